package io.cdckinesis.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

class LocalServersIT {

  @Test
  void s3ServerStoresAndReturnsObjectsOverHttp(@TempDir Path dir) {
    try (LocalS3 s3 = LocalS3.onDisk(dir)) {
      s3.createBucket("dms-bucket");
      s3.client()
          .putObject(
              b -> b.bucket("dms-bucket").key("dbo/T/LOAD00000001.csv"),
              RequestBody.fromString("1,a\n"));

      String body =
          s3.client()
              .getObjectAsBytes(b -> b.bucket("dms-bucket").key("dbo/T/LOAD00000001.csv"))
              .asString(StandardCharsets.UTF_8);

      assertThat(body).isEqualTo("1,a\n");
      assertThat(s3.endpoint().getHost()).isEqualTo("127.0.0.1");
    }
  }

  @Test
  void kinesisEmulatorAcceptsPutRecordsAndServesThemBack() {
    try (LocalKinesis kinesis = LocalKinesis.start()) {
      kinesis.createStream("s", 2);

      var put =
          kinesis
              .client()
              .putRecords(
                  b ->
                      b.streamName("s")
                          .records(
                              PutRecordsRequestEntry.builder()
                                  .partitionKey("k")
                                  .data(SdkBytes.fromUtf8String("hello"))
                                  .build()));
      assertThat(put.failedRecordCount()).isZero();
      String shard = put.records().get(0).shardId();
      String iterator =
          kinesis
              .client()
              .getShardIterator(
                  b ->
                      b.streamName("s")
                          .shardId(shard)
                          .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
              .shardIterator();

      var records = kinesis.client().getRecords(b -> b.shardIterator(iterator)).records();

      assertThat(records).hasSize(1);
      assertThat(records.get(0).data().asUtf8String()).isEqualTo("hello");
      assertThat(kinesis.endpoint().getHost()).isEqualTo("127.0.0.1");
    }
  }

  @Test
  void dynamoDbEmulatorDoesConditionalWritesAndBatchReads() {
    try (LocalDynamoDb dynamo = LocalDynamoDb.start()) {
      dynamo.createTable("cdc-positions", "pk");
      var client = dynamo.client();
      client.putItem(
          b ->
              b.tableName("cdc-positions")
                  .item(
                      java.util.Map.of(
                          "pk", AttributeValue.fromS("a"), "v", AttributeValue.fromN("2"))));

      assertThatThrownBy(
              () ->
                  client.putItem(
                      b ->
                          b.tableName("cdc-positions")
                              .item(
                                  java.util.Map.of(
                                      "pk",
                                      AttributeValue.fromS("a"),
                                      "v",
                                      AttributeValue.fromN("1")))
                              .conditionExpression("#v < :v")
                              .expressionAttributeNames(java.util.Map.of("#v", "v"))
                              .expressionAttributeValues(
                                  java.util.Map.of(":v", AttributeValue.fromN("1")))))
          .isInstanceOf(ConditionalCheckFailedException.class);
      var got =
          client.batchGetItem(
              b ->
                  b.requestItems(
                      java.util.Map.of(
                          "cdc-positions",
                          KeysAndAttributes.builder()
                              .consistentRead(true)
                              .keys(
                                  java.util.Map.of("pk", AttributeValue.fromS("a")),
                                  java.util.Map.of("pk", AttributeValue.fromS("missing")))
                              .build())));

      assertThat(got.responses().get("cdc-positions"))
          .singleElement()
          .satisfies(i -> assertThat(i.get("v").n()).isEqualTo("2"));
      assertThat(dynamo.endpoint().getHost()).isEqualTo("127.0.0.1");
    }
  }
}
