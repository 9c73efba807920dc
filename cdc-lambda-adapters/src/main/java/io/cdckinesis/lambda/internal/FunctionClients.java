package io.cdckinesis.lambda.internal;

import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The AWS clients of a function container, built once (at the first use) with the region and
 * credentials Lambda provides, and the light URL-connection HTTP client.
 */
public final class FunctionClients {

  private static volatile FunctionClients shared;

  private final S3Client s3;
  private final KinesisClient kinesis;
  private final LambdaClient lambda;
  private volatile DynamoDbClient dynamoDb;

  private FunctionClients() {
    this.s3 = S3Client.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    this.kinesis =
        KinesisClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    this.lambda =
        LambdaClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
  }

  /** The container's clients. */
  public static FunctionClients shared() {
    FunctionClients c = shared;
    if (c == null) {
      synchronized (FunctionClients.class) {
        c = shared;
        if (c == null) {
          c = new FunctionClients();
          shared = c;
        }
      }
    }
    return c;
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
          c = DynamoDbClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
          dynamoDb = c;
        }
      }
    }
    return c;
  }
}
