package io.cdckinesis.lambda.internal;

import io.cdckinesis.core.EnvelopeCodec;
import io.cdckinesis.core.spi.AppliedPositionStore;
import io.cdckinesis.core.spi.ChangeSink;
import io.cdckinesis.core.spi.PayloadStore;
import io.cdckinesis.core.spi.TableHandlers;
import io.cdckinesis.dynamodb.DynamoDbAppliedPositionStore;
import io.cdckinesis.kinesis.KinesisChangeSink;
import io.cdckinesis.kinesis.KinesisSinkConfig;
import io.cdckinesis.lambda.FunctionEnvironment;
import io.cdckinesis.pipeline.ProducerEngine;
import io.cdckinesis.pipeline.consumer.ChangeConsumer;
import io.cdckinesis.pipeline.consumer.InMemoryAppliedPositionStore;
import io.cdckinesis.pipeline.consumer.KinesisShardRanges;
import io.cdckinesis.s3.S3DeadLetterSink;
import io.cdckinesis.s3.S3Location;
import io.cdckinesis.s3.S3ObjectStore;
import io.cdckinesis.s3.S3PayloadStore;
import io.cdckinesis.s3.S3RejectSink;
import io.cdckinesis.s3.S3StateStore;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Assembles the producer and the consumer from a {@link FunctionEnvironment} and clients. The
 * Lambda handlers use it with the container's clients; the demo and tests use it with clients of
 * local servers, so that they run exactly the configuration path of the deployed functions.
 */
public final class CdcFunctions {

  private CdcFunctions() {}

  /** The sink configuration the variables describe. */
  public static KinesisSinkConfig sinkConfig(FunctionEnvironment env) {
    return KinesisSinkConfig.builder()
        .maxBatchRecords(env.maxBatchRecords())
        .maxRequestBytes(env.maxRequestBytes())
        .maxRecordBytes((int) env.maxRecordBytes())
        .maxAttempts(env.maxPutAttempts())
        .aggregation(env.aggregate())
        .build();
  }

  /** The oversize payload store in the state bucket. */
  public static PayloadStore payloadStore(FunctionEnvironment env, S3Client s3) {
    return S3PayloadStore.builder()
        .client(s3)
        .location(S3Location.of(env.stateBucket(), env.oversizePrefix()))
        .build();
  }

  /**
   * The producer engine: DMS files from S3, table states in the state bucket, rejects there too,
   * and a fenced Kinesis sink per run on a table.
   *
   * @param sinkMetrics receives each run's sink metrics as it goes (may be a no-op)
   */
  public static ProducerEngine producer(
      FunctionEnvironment env,
      S3Client s3,
      KinesisClient kinesis,
      Consumer<io.cdckinesis.kinesis.SinkMetrics> sinkMetrics) {
    return producer(env, s3, kinesis, sinkMetrics, UnaryOperator.identity());
  }

  /**
   * The producer engine, with each run's sink passed through {@code sinkDecorator} (the demo wraps
   * it to count and to simulate crashes).
   */
  public static ProducerEngine producer(
      FunctionEnvironment env,
      S3Client s3,
      KinesisClient kinesis,
      Consumer<io.cdckinesis.kinesis.SinkMetrics> sinkMetrics,
      UnaryOperator<ChangeSink> sinkDecorator) {
    env.requireProducer();
    KinesisSinkConfig config = sinkConfig(env);
    PayloadStore payloads = payloadStore(env, s3);
    EnvelopeCodec codec = EnvelopeCodec.withTables(env.tables());
    S3Location rejects = S3Location.of(env.stateBucket(), env.rejectsPrefix());
    Duration lease = env.lease();
    return ProducerEngine.builder()
        .settings(env.dmsSettings())
        .tables(env.tables())
        .objects(new S3ObjectStore(s3))
        .states(
            S3StateStore.builder()
                .client(s3)
                .location(S3Location.of(env.stateBucket(), env.statePrefix()))
                .build())
        .sinks(
            (fence, run) -> {
              KinesisChangeSink.Builder sink =
                  KinesisChangeSink.builder()
                      .client(kinesis)
                      .streamName(env.streamName())
                      .codec(codec)
                      .config(config)
                      .payloadStore(payloads)
                      .metricsListener(sinkMetrics)
                      .fence(fence);
              run.sendingBudget(env.timeReserve()).ifPresent(sink::timeBudget);
              return sinkDecorator.apply(sink.build());
            })
        .rejectSinks(
            (uri, owner) ->
                S3RejectSink.builder().client(s3).location(rejects).runId(runId(owner)).build())
        .checkpointEveryRows(env.checkpointEveryRows())
        .checkpointEvery(lease.dividedBy(3))
        .lease(lease, lease.dividedBy(4))
        .timeReserve(env.timeReserve())
        .build();
  }

  /**
   * The consumer: handlers, payload store for pointers, dead letters in the state bucket, applied
   * positions in DynamoDB when {@code CDC_POSITIONS_TABLE} is set (else in memory), shard ranges
   * from ListShards.
   *
   * @param dynamoDb asked only when the positions table is set
   */
  public static ChangeConsumer consumer(
      FunctionEnvironment env,
      S3Client s3,
      KinesisClient kinesis,
      Supplier<DynamoDbClient> dynamoDb,
      TableHandlers handlers) {
    return ChangeConsumer.builder()
        .handlers(handlers)
        .codec(EnvelopeCodec.withTables(env.tables()))
        .payloadStore(payloadStore(env, s3))
        .deadLetters(
            S3DeadLetterSink.builder()
                .client(s3)
                .location(S3Location.of(env.stateBucket(), env.deadLetterPrefix()))
                .build())
        .appliedPositions(positionStore(env, dynamoDb))
        .shardRanges(KinesisShardRanges.of(kinesis))
        .attemptsPerInvocation(env.handlerAttemptsPerInvocation())
        .build();
  }

  /**
   * The applied-position store the variables name: DynamoDB when {@code CDC_POSITIONS_TABLE} is
   * set, else in memory (a single-container convenience).
   */
  public static AppliedPositionStore positionStore(
      FunctionEnvironment env, Supplier<DynamoDbClient> dynamoDb) {
    if (env.positionsTable() == null) {
      return new InMemoryAppliedPositionStore();
    }
    return DynamoDbAppliedPositionStore.builder()
        .client(dynamoDb.get())
        .tableName(env.positionsTable())
        .build();
  }

  /** The table handlers the variables name, with {@code configure} applied last. */
  public static TableHandlers handlers(
      FunctionEnvironment env, Consumer<TableHandlers.Builder> configure) {
    TableHandlers.Builder handlers = TableHandlers.builder();
    if (env.defaultHandler() != null) {
      handlers.defaultHandler(TableHandlers.instantiate(env.defaultHandler()));
    }
    handlers.registerFromSpec(env.tableHandlers());
    configure.accept(handlers);
    return handlers.build();
  }

  /** A run id for part names: the request id with anything unusual replaced. */
  static String runId(String owner) {
    String id = owner.replaceAll("[^A-Za-z0-9_-]", "-");
    return id.length() > 64 ? id.substring(0, 64) : id;
  }
}
