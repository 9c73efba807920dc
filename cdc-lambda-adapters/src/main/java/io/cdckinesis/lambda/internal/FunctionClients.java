package io.cdckinesis.lambda.internal;

import io.cdckinesis.lambda.FunctionEnvironment;
import io.cdckinesis.lambda.internal.ConfiguredEndpoints.Service;
import java.net.URI;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * The AWS clients of a function container, built once (at the first use) with the region and
 * credentials Lambda provides, and the light URL-connection HTTP client.
 *
 * <p>Endpoints are the SDK's: {@code AWS_ENDPOINT_URL_S3}, {@code AWS_ENDPOINT_URL_KINESIS}, {@code
 * AWS_ENDPOINT_URL} (for local servers, or VPC endpoints). With a custom S3 endpoint the S3 client
 * uses path-style requests unless {@value FunctionEnvironment#S3_PATH_STYLE} says otherwise; with a
 * Kinesis endpoint on this machine, CBOR is turned off (see {@link ConfiguredEndpoints}).
 */
public final class FunctionClients implements AutoCloseable {

  private static volatile FunctionClients shared;

  /** Every client stops {@link DryRun} requests before sending them (priming). */
  private static final Consumer<ClientOverrideConfiguration.Builder> DRY_RUN_STOP =
      o -> o.addExecutionInterceptor(DryRun.INTERCEPTOR);

  private final S3Client s3;
  private final KinesisClient kinesis;
  private final LambdaClient lambda;
  private volatile DynamoDbClient dynamoDb;

  private FunctionClients(Boolean s3PathStyle) {
    Optional<URI> s3Endpoint = ConfiguredEndpoints.fromSystem(Service.S3);
    ConfiguredEndpoints.disableCborForLoopback(ConfiguredEndpoints.fromSystem(Service.KINESIS));
    S3ClientBuilder s3Builder =
        S3Client.builder()
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .overrideConfiguration(DRY_RUN_STOP)
            .forcePathStyle(pathStyle(s3PathStyle, s3Endpoint));
    this.s3 = s3Builder.build();
    this.kinesis =
        KinesisClient.builder()
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .overrideConfiguration(DRY_RUN_STOP)
            .build();
    this.lambda =
        LambdaClient.builder()
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .overrideConfiguration(DRY_RUN_STOP)
            .build();
  }

  /** The setting when given, else path-style exactly when the S3 endpoint is a custom one. */
  static boolean pathStyle(Boolean setting, Optional<URI> s3Endpoint) {
    return setting != null ? setting : s3Endpoint.isPresent();
  }

  /** The container's clients. */
  public static FunctionClients shared() {
    FunctionClients c = shared;
    if (c == null) {
      synchronized (FunctionClients.class) {
        c = shared;
        if (c == null) {
          c = create(FunctionEnvironment.fromSystem());
          shared = c;
        }
      }
    }
    return c;
  }

  /**
   * New clients, configured by the SDK's settings (region, credentials, endpoints) and {@code env}
   * (for tests and runtimes other than Lambda; Lambda's handlers use {@link #shared()}). The caller
   * closes them.
   */
  public static FunctionClients create(FunctionEnvironment env) {
    return new FunctionClients(env.s3PathStyle());
  }

  public S3Client s3() {
    return s3;
  }

  public KinesisClient kinesis() {
    return kinesis;
  }

  public LambdaClient lambda() {
    return lambda;
  }

  /** Closes the clients (never needed for the shared ones: they live as long as the container). */
  @Override
  public void close() {
    s3.close();
    kinesis.close();
    lambda.close();
    DynamoDbClient d = dynamoDb;
    if (d != null) {
      d.close();
    }
  }

  /**
   * The DynamoDB client, built at its first use (only a consumer with {@code CDC_POSITIONS_TABLE}
   * needs it); its endpoint follows the SDK's standard {@code AWS_ENDPOINT_URL_DYNAMODB}.
   */
  public DynamoDbClient dynamoDb() {
    DynamoDbClient c = dynamoDb;
    if (c == null) {
      synchronized (this) {
        c = dynamoDb;
        if (c == null) {
          c =
              DynamoDbClient.builder()
                  .httpClientBuilder(UrlConnectionHttpClient.builder())
                  .overrideConfiguration(DRY_RUN_STOP)
                  .build();
          dynamoDb = c;
        }
      }
    }
    return c;
  }
}
