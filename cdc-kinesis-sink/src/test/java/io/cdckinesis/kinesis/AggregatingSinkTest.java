package io.cdckinesis.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.kinesis.internal.HashKeys;
import io.cdckinesis.kinesis.testing.FakeKinesis;
import io.cdckinesis.kinesis.testing.FakeTime;
import io.cdckinesis.kinesis.testing.ReadBack;
import io.cdckinesis.kinesis.testing.Rows;
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

  private KinesisChangeSink.Builder sink(FakeKinesis kinesis, KinesisSinkConfig config) {
    return KinesisChangeSink.builder()
        .client(kinesis)
        .streamName(STREAM)
        .config(config)
        .clock(time)
        .sleeper(time);
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
      FakeKinesis kinesis, List<ChangeRecord> written) {
    List<ChangeRecord> back = ReadBack.records(kinesis.stored());
    assertThat(back).containsExactlyInAnyOrderElementsOf(written);
    assertThat(ReadBack.rowsByKey(back)).isEqualTo(ReadBack.rowsByKey(written));
  }

  @Test
  void packsRecordsPerShardIntoFewKinesisRecordsAndLosesNone() {
    FakeKinesis kinesis = new FakeKinesis(4);
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
    assertThat(m.userRecordsPerKinesisRecord()).isGreaterThan(100);
    assertThat(m.putRecordsCalls()).isLessThanOrEqualTo(10);
    // every aggregate landed in the shard its records' keys map to
    for (Shard shard : kinesis.shards()) {
      BigInteger start = new BigInteger(shard.hashKeyRange().startingHashKey());
      BigInteger end = new BigInteger(shard.hashKeyRange().endingHashKey());
      for (FakeKinesis.Stored s : kinesis.stored(shard.shardId())) {
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
    FakeKinesis kinesis = new FakeKinesis(3);
    List<ChangeRecord> rows = rows(300, 3);
    try (KinesisChangeSink sink = sink(kinesis, AGGREGATE).build()) {
      rows.forEach(sink::write);
    }
    AggregatorUtil kcl = new AggregatorUtil();
    int total = 0;
    for (Shard shard : kinesis.shards()) {
      List<KinesisClientRecord> in = new ArrayList<>();
      for (FakeKinesis.Stored s : kinesis.stored(shard.shardId())) {
        in.add(
            KinesisClientRecord.builder()
                .data(ByteBuffer.wrap(s.data()))
                .partitionKey(s.partitionKey())
                .explicitHashKey(s.explicitHashKey())
                .sequenceNumber(Long.toString(s.seq()))
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
    FakeKinesis kinesis = new FakeKinesis(2);
    List<ChangeRecord> rows = rows(1, 2000); // a table's worth of changes to one row
    try (KinesisChangeSink sink = sink(kinesis, AGGREGATE).build()) {
      rows.forEach(sink::write);
      sink.flush();
      assertThat(sink.metrics().putRecordsCalls()).isEqualTo(1);
    }
    assertEveryRowOnceInOrderPerKey(kinesis, rows);
  }

  @Test
  void keepsPerKeyOrderWhenAggregatesAreThrottled() {
    Random random = new Random(99);
    AtomicInteger injected = new AtomicInteger();
    FakeKinesis kinesis =
        new FakeKinesis(4)
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
  void listsShardsAgainWhenARecordLandsInAnUnexpectedShard() {
    FakeKinesis kinesis = new FakeKinesis(2).listShardsPageSize(1);
    try (KinesisChangeSink sink = sink(kinesis, AGGREGATE).build()) {
      rows(100, 2).forEach(sink::write);
      sink.flush();
      assertThat(kinesis.listShardsCalls()).isEqualTo(2); // two pages
      kinesis.reshard(3); // the two shards close, three new ones open
      List<ChangeRecord> more = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        more.add(Rows.customer(i, 1000 + i));
      }
      more.forEach(sink::write);
      sink.flush(); // written with the stale map: lands in the new shards all the same
      assertThat(kinesis.listShardsCalls()).isEqualTo(2);
      List<ChangeRecord> evenMore = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        evenMore.add(Rows.customer(i, 2000 + i));
      }
      evenMore.forEach(sink::write);
      sink.flush();
      assertThat(kinesis.listShardsCalls()).isEqualTo(2 + 5); // one listing of five shards
    }
    // after the refresh, aggregates again hold only keys of the shard they are in
    for (Shard shard : kinesis.shards().subList(2, 5)) {
      BigInteger start = new BigInteger(shard.hashKeyRange().startingHashKey());
      BigInteger end = new BigInteger(shard.hashKeyRange().endingHashKey());
      List<FakeKinesis.Stored> stored = kinesis.stored(shard.shardId());
      FakeKinesis.Stored last = stored.get(stored.size() - 1);
      KplDeaggregator.deaggregate(last.data(), last.partitionKey(), last.explicitHashKey())
          .forEach(d -> assertThat(HashKeys.of(d.partitionKey())).isBetween(start, end));
    }
    assertThat(ReadBack.records(kinesis.stored())).hasSize(400);
  }

  @Test
  void listsShardsAgainWhenTheMapGetsOld() {
    FakeKinesis kinesis = new FakeKinesis(2);
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
    FakeKinesis kinesis =
        new FakeKinesis(2)
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
    FakeKinesis kinesis =
        new FakeKinesis(2)
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
    FakeKinesis kinesis = new FakeKinesis(2);
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
