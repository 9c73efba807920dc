package io.cdckinesis.local;

import io.cdckinesis.local.internal.KinesaliteInstallation;
import io.cdckinesis.local.internal.NodeServer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.retry.backoff.FixedDelayBackoffStrategy;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.KinesisClientBuilder;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.awssdk.services.kinesis.waiters.KinesisWaiter;

/**
 * A Kinesis emulator (kinesalite, in memory) run as a Node child process on a free loopback port,
 * for tests and the demo. Installs kinesalite from the committed lock file on first use (see {@link
 * KinesaliteInstallation}); needs Node and npm.
 *
 * <p>Kinesalite's CBOR answers break the SDK, so starting one turns the SDK's CBOR off for this JVM
 * ({@code aws.cborEnabled=false}; JSON is equally valid against AWS). The Lambda functions never
 * start one, so deployed code keeps CBOR.
 */
public final class LocalKinesis implements AutoCloseable {

  private final NodeServer server;
  private final URI endpoint;
  private final KinesisClient client;

  private LocalKinesis(NodeServer server) {
    this.server = server;
    this.endpoint = URI.create("http://127.0.0.1:" + server.port());
    this.client = clientBuilder().build();
  }

  /** Installs kinesalite if needed and starts it. */
  public static LocalKinesis start() {
    System.setProperty("aws.cborEnabled", "false");
    return new LocalKinesis(
        NodeServer.start(KinesaliteInstallation.ensureInstalled(), "kinesalite"));
  }

  public URI endpoint() {
    return endpoint;
  }

  /** A client for this emulator, owned by it (closed with it). */
  public KinesisClient client() {
    return client;
  }

  /** A builder preset for this emulator (endpoint, credentials, region). */
  public KinesisClientBuilder clientBuilder() {
    return KinesisClient.builder()
        .endpointOverride(endpoint)
        .region(LocalCredentials.REGION)
        .credentialsProvider(LocalCredentials.provider());
  }

  /** Creates a stream with this many shards and waits until it is active. */
  public void createStream(String name, int shards) {
    client.createStream(b -> b.streamName(name).shardCount(shards));
    awaitActive(name);
  }

  /** Waits until a stream is active, polling every 50 ms (the SDK default waits 10 s per poll). */
  public void awaitActive(String name) {
    try (KinesisWaiter waiter =
        KinesisWaiter.builder()
            .client(client)
            .overrideConfiguration(
                WaiterOverrideConfiguration.builder()
                    .maxAttempts(400)
                    .backoffStrategy(FixedDelayBackoffStrategy.create(Duration.ofMillis(50)))
                    .build())
            .build()) {
      waiter.waitUntilStreamExists(b -> b.streamName(name));
    }
    StreamStatus status =
        client
            .describeStreamSummary(b -> b.streamName(name))
            .streamDescriptionSummary()
            .streamStatus();
    if (status != StreamStatus.ACTIVE) {
      throw new IllegalStateException("stream " + name + " is " + status);
    }
  }

  /** Every record of a stream; see {@link #readAll(KinesisClient, String)}. */
  public Map<Shard, List<Record>> readAll(String stream) {
    return readAll(client, stream);
  }

  /**
   * Every record of a stream as it is now: per shard (in ListShards order), oldest first, read
   * until a page comes back empty. For tests and benchmarks that check what reached a stream.
   */
  public static Map<Shard, List<Record>> readAll(KinesisClient client, String stream) {
    Map<Shard, List<Record>> out = new LinkedHashMap<>();
    for (Shard shard : client.listShards(b -> b.streamName(stream)).shards()) {
      List<Record> records = new ArrayList<>();
      String iterator =
          client
              .getShardIterator(
                  b ->
                      b.streamName(stream)
                          .shardId(shard.shardId())
                          .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
              .shardIterator();
      while (iterator != null) {
        String current = iterator;
        GetRecordsResponse page = client.getRecords(b -> b.shardIterator(current).limit(10_000));
        records.addAll(page.records());
        iterator = page.records().isEmpty() ? null : page.nextShardIterator();
      }
      out.put(shard, records);
    }
    return out;
  }

  @Override
  public void close() {
    client.close();
    server.stop();
  }
}
