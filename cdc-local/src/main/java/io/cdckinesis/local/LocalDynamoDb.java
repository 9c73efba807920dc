package io.cdckinesis.local;

import io.cdckinesis.local.internal.DynaliteInstallation;
import io.cdckinesis.local.internal.NodeServer;
import java.net.URI;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * A DynamoDB emulator (dynalite, in memory) run as a Node child process on a free loopback port,
 * for tests and the demo. Installs dynalite from the committed lock file on first use (see {@link
 * DynaliteInstallation}); needs Node and npm. It has no transactions ({@code TransactWriteItems}):
 * code tested against it uses single-item conditional writes.
 */
public final class LocalDynamoDb implements AutoCloseable {

  private final NodeServer server;
  private final URI endpoint;
  private final DynamoDbClient client;

  private LocalDynamoDb(NodeServer server) {
    this.server = server;
    this.endpoint = URI.create("http://127.0.0.1:" + server.port());
    this.client = clientBuilder().build();
  }

  /** Installs dynalite if needed and starts it. */
  public static LocalDynamoDb start() {
    return new LocalDynamoDb(NodeServer.start(DynaliteInstallation.ensureInstalled(), "dynalite"));
  }

  /** Where it listens; what {@code AWS_ENDPOINT_URL_DYNAMODB} would be set to. */
  public URI endpoint() {
    return endpoint;
  }

  /** A client for this emulator, owned by it (closed with it). */
  public DynamoDbClient client() {
    return client;
  }

  /** A builder preset for this emulator (endpoint, credentials, region). */
  public DynamoDbClientBuilder clientBuilder() {
    return DynamoDbClient.builder()
        .endpointOverride(endpoint)
        .region(LocalCredentials.REGION)
        .credentialsProvider(LocalCredentials.provider());
  }

  /** Creates an on-demand table with a string partition key and no sort key. */
  public void createTable(String name, String partitionKey) {
    client.createTable(
        b ->
            b.tableName(name)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(k -> k.attributeName(partitionKey).keyType(KeyType.HASH))
                .attributeDefinitions(
                    a -> a.attributeName(partitionKey).attributeType(ScalarAttributeType.S)));
    client.waiter().waitUntilTableExists(b -> b.tableName(name));
  }

  @Override
  public void close() {
    client.close();
    server.stop();
  }
}
