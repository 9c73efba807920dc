package io.cdckinesis.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.EnvelopeCodec;
import io.cdckinesis.kinesis.internal.HashKeys;
import io.cdckinesis.kinesis.testing.FakeTime;
import io.cdckinesis.kinesis.testing.ReadBack;
import io.cdckinesis.kinesis.testing.Rows;
import io.cdckinesis.kinesis.testing.TestKinesis;
import io.cdckinesis.local.sim.StoredRecord;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.kinesis.model.AccessDeniedException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

class AggregatingSinkTest {

  private static final String STREAM = "agg-stream";
  private static final KinesisSinkConfig AGGREGATE =
      KinesisSinkConfig.builder().aggregation(true).build();

  private final FakeTime time = new FakeTime();

  private KinesisChangeSink.Builder sink(TestKinesis kinesis, KinesisSinkConfig config) {
    return KinesisChangeSink.builder()
        .client(kinesis.client())
        .streamName(STREAM)
        .config(config)
        .clock(time)
        .sleeper(time)
        .executor(Runnable::run);
  }

  private static List<ChangeRecord> rows(int keys, int perKey) {
    List<ChangeRecord> out = new ArrayList<>();
    long row = 1;
    for (int round = 0; round < perKey; round++) {
      for (int k = 0; k < keys; k++) {
        out.add(Rows.customer(k, row++));
      }
    }
    return out;
  }

  private static void assertEveryRowOnceInOrderPerKey(
      TestKinesis kinesis, List<ChangeRecord> written) {
    List<ChangeRecord> back = ReadBack.records(kinesis.stored());
    assertThat(back).containsExactlyInAnyOrderElementsOf(written);
    assertThat(ReadBack.rowsByKey(back)).isEqualTo(ReadBack.rowsByKey(written));
  }

  @Test
  void packsRecordsPerShardIntoFewKinesisRecordsAndLosesNone() {
    TestKinesis kinesis = new TestKinesis(time, STREAM, 4);
    List<ChangeRecord> rows = rows(500, 10);
    SinkMetrics m;
    try (KinesisChangeSink sink = sink(kinesis, AGGREGATE).build()) {
      rows.forEach(sink::write);
      sink.flush();
      m = sink.metrics();
    }
    assertEveryRowOnceInOrderPerKey(kinesis, rows);
    assertThat(m.recordsWritten()).isEqualTo(5000);
    assertThat(m.kinesisRecordsWritten()).isEqualTo(kinesis.stored().size());
    assertThat(m.userRecordsPerKinesisRecord()).isGreaterThan(50);
    assertThat(m.putRecordsCalls()).isLessThanOrEqualTo(10);
    // every aggregate landed in the shard its records' keys map to
    for (Shard shard : kinesis.shards()) {
      BigInteger start = new BigInteger(shard.hashKeyRange().startingHashKey());
      BigInteger end = new BigInteger(shard.hashKeyRange().endingHashKey());
      for (StoredRecord s : kinesis.stored(shard.shardId())) {
        for (DeaggregatedRecord d :
            KplDeaggregator.deaggregate(s.data(), s.partitionKey(), s.explicitHashKey())) {
          BigInteger own = HashKeys.of(d.partitionKey());
          assertThat(own).isBetween(start, end);
        }
      }
    }
  }

  @Test
  void theKclReadsEachShardBackCompletelyWithItsShardRangeCheck() {
    TestKinesis kinesis = new TestKinesis(time, STREAM, 3);
    List<ChangeRecord> rows = rows(300, 3);
    try (KinesisChangeSink sink = sink(kinesis, AGGREGATE).build()) {
      rows.forEach(sink::write);
    }
    AggregatorUtil kcl = new AggregatorUtil();
    int total = 0;
    for (Shard shard : kinesis.shards()) {
      List<KinesisClientRecord> in = new ArrayList<>();
      for (StoredRecord s : kinesis.stored(shard.shardId())) {
        in.add(
            KinesisClientRecord.builder()
                .data(ByteBuffer.wrap(s.data()))
                .partitionKey(s.partitionKey())
                .explicitHashKey(s.explicitHashKey())
                .sequenceNumber(s.sequenceNumber())
                .approximateArrivalTimestamp(Instant.EPOCH)
                .build());
      }
      total +=
          kcl.deaggregate(
                  in,
                  new BigInteger(shard.hashKeyRange().startingHashKey()),
                  new BigInteger(shard.hashKeyRange().endingHashKey()))
              .size();
    }
    assertThat(total).isEqualTo(rows.size());
  }

  @Test
  void aHotKeyIsPackedInOrderIntoOneAggregate() {
    TestKinesis kinesis = new TestKinesis(time, STREAM, 2);
    List<ChangeRecord> rows = rows(1, 2000); // a table's worth of changes to one row
    long bytes = 0;
    try (KinesisChangeSink sink = sink(kinesis, AGGREGATE).build()) {
      rows.forEach(sink::write);
      sink.flush();
      bytes = sink.metrics().bytesWritten();
      // one full aggregate per call (the key is busy while one is in flight)
      assertThat(sink.metrics().putRecordsCalls())
          .isEqualTo(sink.metrics().kinesisRecordsWritten())
          .isBetween(
              bytes / AGGREGATE.maxAggregateBytes(), bytes / AGGREGATE.maxAggregateBytes() + 1);
    }
    assertThat(kinesis.stored())
        .allSatisfy(
            s ->
                assertThat(s.data().length + s.partitionKey().length())
                    .isLessThanOrEqualTo(AGGREGATE.maxAggregateBytes()));
    assertEveryRowOnceInOrderPerKey(kinesis, rows);
  }

  @Test
  void keepsPerKeyOrderWhenAggregatesAreThrottled() {
    Random random = new Random(99);
    AtomicInteger injected = new AtomicInteger();
    TestKinesis kinesis =
        new TestKinesis(time, STREAM, 4)
            .entryFaults(
                (e, call) -> {
                  if (random.nextDouble() < 0.3) {
                    injected.incrementAndGet();
                    return "ProvisionedThroughputExceededException";
                  }
                  return null;
                });
    // small aggregates and buffers, so a key's changes span many aggregates and batches
    KinesisSinkConfig config =
        AGGREGATE.toBuilder()
            .maxRecordBytes(8192)
            .maxRequestBytes(64 * 1024)
            .maxBufferedBytes(64 * 1024)
            .maxAttempts(40)
            .build();
    List<ChangeRecord> rows = rows(60, 40);
    try (KinesisChangeSink sink = sink(kinesis, config).build()) {
      rows.forEach(sink::write);
      sink.flush();
      assertThat(sink.metrics().throttledEntries()).isEqualTo(injected.get()).isPositive();
    }
    assertEveryRowOnceInOrderPerKey(kinesis, rows);
    // a key is never in two entries of one request
    kinesis
        .requests()
        .forEach(
            r -> {
              List<String> keys = new ArrayList<>();
              for (PutRecordsRequestEntry e : r.records()) {
                KplDeaggregator.deaggregate(e.data().asByteArray(), e.partitionKey(), null).stream()
                    .map(DeaggregatedRecord::partitionKey)
                    .distinct()
                    .forEach(keys::add);
              }
              assertThat(keys).doesNotHaveDuplicates();
            });
  }

  @Test
  void afterASplitRecordsOfAStaleAggregateAreSentAgainToTheShardThatOwnsThem() {
    TestKinesis kinesis = new TestKinesis(time, STREAM, 2, b -> b.listShardsPageSize(1));
    List<ChangeRecord> written = new ArrayList<>();
    try (KinesisChangeSink sink = sink(kinesis, AGGREGATE).build()) {
      rows(100, 2).forEach(written::add);
      written.forEach(sink::write);
      sink.flush();
      assertThat(kinesis.listShardsCalls()).isEqualTo(2); // two pages
      kinesis.sim().splitShard(STREAM, "shardId-000000000000"); // 2 and 3 replace 0
      List<ChangeRecord> more = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        more.add(Rows.customer(i, 1000 + i));
      }
      more.forEach(sink::write);
      written.addAll(more);
      sink.flush(); // packed with the stale map: aggregates for shard 0 land in one child
      assertThat(kinesis.listShardsCalls()).isEqualTo(2 + 4); // one listing of four shards
      assertThat(sink.metrics().reroutedRecords()).isPositive();
      assertThat(sink.metrics().recordsWritten()).isEqualTo(written.size());
    }
    // Read as the KCL would: parents before children, dropping records a shard does not own.
    List<ChangeRecord> back = new ArrayList<>();
    EnvelopeCodec codec = EnvelopeCodec.create();
    for (Shard shard : kinesis.shards()) {
      BigInteger start = new BigInteger(shard.hashKeyRange().startingHashKey());
      BigInteger end = new BigInteger(shard.hashKeyRange().endingHashKey());
      for (StoredRecord s : kinesis.stored(shard.shardId())) {
        for (DeaggregatedRecord d :
            KplDeaggregator.deaggregate(s.data(), s.partitionKey(), null, start, end)) {
          back.add(codec.decodeRecord(d.data()));
        }
      }
    }
    assertThat(back).containsExactlyInAnyOrderElementsOf(written);
    assertThat(ReadBack.rowsByKey(back)).isEqualTo(ReadBack.rowsByKey(written));
    // the stream holds the re-sent records twice; the reader above kept each once
    assertThat(ReadBack.records(kinesis.stored())).hasSizeGreaterThan(written.size());
  }

  @Test
  void listsShardsAgainWhenTheMapGetsOld() {
    TestKinesis kinesis = new TestKinesis(time, STREAM, 2);
    try (KinesisChangeSink sink = sink(kinesis, AGGREGATE).build()) {
      sink.write(Rows.customer(1, 1));
      sink.flush();
      time.advance(java.time.Duration.ofSeconds(30));
      sink.write(Rows.customer(1, 2));
      sink.flush();
      assertThat(kinesis.listShardsCalls()).isEqualTo(1);
      time.advance(java.time.Duration.ofSeconds(31));
      sink.write(Rows.customer(1, 3));
      sink.flush();
      assertThat(kinesis.listShardsCalls()).isEqualTo(2);
    }
  }

  @Test
  void aggregationWithoutListShardsPermissionFailsClearly() {
    TestKinesis kinesis =
        new TestKinesis(time, STREAM, 2)
            .failListShards(
                AccessDeniedException.builder()
                    .statusCode(400)
                    .awsErrorDetails(
                        AwsErrorDetails.builder().errorCode("AccessDeniedException").build())
                    .build());
    KinesisChangeSink sink = sink(kinesis, AGGREGATE).build();
    sink.write(Rows.customer(1, 1));
    KinesisWriteException e = catchThrowableOfType(KinesisWriteException.class, sink::flush);
    assertThat(e.isRetryable()).isFalse();
    assertThat(e.getMessage()).contains("ListShards", STREAM, "kinesis:ListShards");
    assertThat(kinesis.requests()).isEmpty();
  }

  @Test
  void aThrottledListShardsIsRetried() {
    TestKinesis kinesis =
        new TestKinesis(time, STREAM, 2)
            .failListShards(
                LimitExceededException.builder()
                    .statusCode(400)
                    .awsErrorDetails(
                        AwsErrorDetails.builder().errorCode("LimitExceededException").build())
                    .build(),
                2);
    try (KinesisChangeSink sink = sink(kinesis, AGGREGATE).build()) {
      sink.write(Rows.customer(1, 1));
      sink.write(Rows.customer(2, 2));
    }
    assertThat(kinesis.listShardsCalls()).isEqualTo(3);
    assertThat(time.sleeps()).hasSize(2);
    assertThat(ReadBack.records(kinesis.stored())).hasSize(2);
  }

  @Test
  void rowsTooBigToAggregateAreSentOnTheirOwnInOrder() {
    TestKinesis kinesis = new TestKinesis(time, STREAM, 2);
    List<ChangeRecord> rows = new ArrayList<>();
    rows.add(Rows.customer(1, 1));
    rows.add(Rows.customer(1, 2, "q".repeat(1024 * 1024 - 400))); // fits alone, not aggregated
    rows.add(Rows.customer(1, 3));
    rows.add(Rows.customer(2, 4));
    try (KinesisChangeSink sink = sink(kinesis, AGGREGATE).build()) {
      rows.forEach(sink::write);
    }
    assertEveryRowOnceInOrderPerKey(kinesis, rows);
    Map<Object, List<Long>> byKey = ReadBack.rowsByKey(ReadBack.records(kinesis.stored()));
    assertThat(byKey.get(1L)).containsExactly(1L, 2L, 3L);
    assertThat(kinesis.stored())
        .anySatisfy(s -> assertThat(KplDeaggregator.isAggregated(s.data())).isFalse());
  }
}
