package io.cdckinesis.kinesis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdckinesis.core.SourcePosition;
import io.cdckinesis.core.TableId;
import io.cdckinesis.kinesis.KinesisSinkConfig;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.model.Shard;

/** How the backlog picks calls: per-key rules, per-shard budgets, fullness; on a fake clock. */
class BacklogTest {

  private static final long MS = 1_000_000L;
  private static final long T0 = 1_000_000_000_000L;
  private static final BigInteger HALF = BigInteger.ONE.shiftLeft(127);

  private long seq;

  private UserRecord record(String key, int bytes) {
    seq++;
    return UserRecord.of(
        seq,
        key,
        new byte[bytes],
        false,
        TableId.of("dbo", "T"),
        new SourcePosition("s3://b/k.csv", seq, seq + 1));
  }

  /** A key of the lower (or upper) half of the hash space, i.e. shard 0 (or 1). */
  private static String key(boolean lower, int n) {
    for (int i = 0; ; i++) {
      String k = "k" + n + "-" + i;
      if ((HashKeys.of(k).compareTo(HALF) < 0) == lower) {
        return k;
      }
    }
  }

  private static Shard shard(String id, BigInteger start, BigInteger end) {
    return Shard.builder()
        .shardId(id)
        .hashKeyRange(r -> r.startingHashKey(start.toString()).endingHashKey(end.toString()))
        .sequenceNumberRange(r -> r.startingSequenceNumber("1"))
        .build();
  }

  private static ShardMap twoShards() {
    return ShardMap.of(
        List.of(
            shard("shard-0", BigInteger.ZERO, HALF.subtract(BigInteger.ONE)),
            shard("shard-1", HALF, HashKeys.MAX)));
  }

  /** The batch's entries answered at {@code now}. */
  private static List<OutgoingRecord> answered(List<OutgoingRecord> batch, long now) {
    for (OutgoingRecord o : batch) {
      if (o.slot != null) {
        o.lane.pacer.settle(o.slot, now, false);
      }
    }
    return batch;
  }

  private static List<String> keys(List<OutgoingRecord> batch) {
    List<String> out = new ArrayList<>();
    for (OutgoingRecord o : batch) {
      out.add(o.entry.partitionKey());
    }
    return out;
  }

  @Test
  void aBusyKeyWaitsForItsAnswerAndAFailedRecordGoesBeforeItsSuccessors() {
    Backlog b = new Backlog(KinesisSinkConfig.defaults());
    b.useMap(twoShards());
    String a = key(true, 1);
    String c = key(false, 2);
    UserRecord a1 = record(a, 100);
    UserRecord a2 = record(a, 100);
    UserRecord c1 = record(c, 100);
    b.add(a1);
    b.add(a2);
    b.add(c1);

    List<OutgoingRecord> first = b.nextBatch(T0, true);
    assertThat(keys(first)).containsExactlyInAnyOrder(a, c); // one entry per key
    assertThat(b.nextBatch(T0, true)).isEmpty(); // a2 waits: its key is busy
    assertThat(b.nextWakeNanos(T0)).isEqualTo(Long.MAX_VALUE); // only an answer helps

    OutgoingRecord sentA =
        first.stream().filter(o -> o.entry.partitionKey().equals(a)).findFirst().orElseThrow();
    b.finish(sentA, sentA.records, T0 + 100 * MS, T0); // a1 failed: back with a backoff
    assertThat(b.nextBatch(T0 + 50 * MS, true)).isEmpty();
    assertThat(b.nextWakeNanos(T0 + 50 * MS)).isEqualTo(T0 + 100 * MS);
    List<OutgoingRecord> retry = b.nextBatch(T0 + 100 * MS, true);
    assertThat(retry)
        .singleElement()
        .satisfies(o -> assertThat(o.records.get(0).record).isSameAs(a1));
    b.finish(retry.get(0), List.of(), 0, T0 + 130 * MS);
    assertThat(b.nextBatch(T0 + 130 * MS, true))
        .singleElement()
        .satisfies(o -> assertThat(o.records.get(0).record).isSameAs(a2));
  }

  @Test
  void aShardWithoutBudgetWaitsWhileOthersGoAndNothingOvertakesItsOldestRecord() {
    KinesisSinkConfig config =
        KinesisSinkConfig.builder()
            .shardRecordsPerSecond(10)
            .shardBytesPerSecond(1_000_000)
            .build();
    Backlog b = new Backlog(config);
    b.useMap(twoShards());
    for (int i = 0; i < 15; i++) {
      b.add(record(key(true, i), 100)); // 15 keys on shard 0, whose budget is 10 a second
    }
    b.add(record(key(false, 99), 100));
    List<OutgoingRecord> batch = answered(b.nextBatch(T0, true), T0);
    assertThat(batch).hasSize(11); // 10 of shard 0, 1 of shard 1
    assertThat(b.nextBatch(T0 + 10 * MS, true)).isEmpty();
    assertThat(b.nextWakeNanos(T0 + 10 * MS)).isEqualTo(T0 + ShardPacer.WINDOW_NANOS);
    List<OutgoingRecord> next = b.nextBatch(T0 + ShardPacer.WINDOW_NANOS, true);
    assertThat(next).hasSize(5);
    // oldest first within the shard
    long last = 0;
    for (OutgoingRecord o : next) {
      assertThat(o.records.get(0).record.seq()).isGreaterThan(last);
      last = o.records.get(0).record.seq();
    }
  }

  @Test
  void aShardIsOfferedRecordsOnceATwentiethOfItsSecondIsFreeNotOneByOne() {
    int chunk = 1000 / Backlog.MIN_CHUNK_DIVISOR; // 50 records
    Backlog b = new Backlog(KinesisSinkConfig.builder().maxBatchRecords(chunk / 2).build());
    b.useMap(twoShards());
    for (int i = 0; i < 1200; i++) {
      b.add(record(key(true, i), 100));
    }
    int sent = 0;
    int calls = 0;
    for (List<OutgoingRecord> got = answered(b.nextBatch(T0, true), T0);
        !got.isEmpty();
        got = answered(b.nextBatch(T0 + calls * MS, true), T0 + calls * MS)) {
      sent += got.size();
      calls++;
    }
    // half chunks, one per ms, while a chunk is free: the last half chunk of the second waits
    assertThat(sent).isEqualTo(1000 - chunk / 2);
    long w = ShardPacer.WINDOW_NANOS;
    // the first call's records have left the window: a chunk is free, one call takes it
    assertThat(answered(b.nextBatch(T0 + w, true), T0 + w)).hasSize(chunk / 2);
    assertThat(b.nextBatch(T0 + w, true)).isEmpty(); // half a chunk free: a new call waits
    assertThat(b.nextWakeNanos(T0 + w)).isEqualTo(T0 + MS + w);
  }

  @Test
  void withoutForceOnlyAFullCallGoes() {
    Backlog b = new Backlog(KinesisSinkConfig.defaults());
    b.useMap(twoShards());
    for (int i = 0; i < 499; i++) {
      b.add(record("key-" + i, 100));
    }
    assertThat(b.nextBatch(T0, false)).isEmpty();
    b.add(record("key-499", 100));
    assertThat(b.nextBatch(T0, false)).hasSize(500);
    b.add(record("key-500", 100));
    assertThat(b.nextBatch(T0, false)).isEmpty();
    assertThat(b.nextBatch(T0, true)).hasSize(1);
  }

  @Test
  void anAggregatePacksAKeysRecordsInOrderWithOtherKeysOfItsShardUpToTheCap() {
    KinesisSinkConfig config =
        KinesisSinkConfig.builder().aggregation(true).maxAggregateBytes(8192).build();
    Backlog b = new Backlog(config);
    b.useMap(twoShards());
    String hot = key(true, 0);
    for (int i = 0; i < 100; i++) {
      b.add(record(hot, 100)); // 10 KB of one key: more than one aggregate
    }
    for (int i = 1; i <= 5; i++) {
      b.add(record(key(true, i), 100));
      b.add(record(key(false, i), 100));
    }
    List<OutgoingRecord> batch = b.nextBatch(T0, true);
    // one aggregate per shard: shard 0's is full of the hot key, shard 1's holds its five keys
    assertThat(batch).hasSize(3);
    OutgoingRecord hotAggregate = batch.get(0);
    assertThat(hotAggregate.aggregated).isTrue();
    assertThat(hotAggregate.kinesisBytes).isLessThanOrEqualTo(8192);
    long prev = 0;
    for (PendingRecord p : hotAggregate.records) {
      assertThat(p.record.partitionKey()).isEqualTo(hot);
      assertThat(p.record.seq()).isGreaterThan(prev);
      prev = p.record.seq();
    }
    // the hot key's rest waits for the answer; shard 0's other keys went into a second aggregate
    assertThat(batch.get(1).records)
        .allSatisfy(p -> assertThat(p.record.partitionKey()).isNotEqualTo(hot));
    int sent = batch.stream().mapToInt(o -> o.records.size()).sum();
    assertThat(b.queuedRecords()).isEqualTo(110 - sent);
    assertThat(b.nextBatch(T0, true)).isEmpty();
    b.finish(hotAggregate, List.of(), 0, T0);
    long next = prev + 1;
    assertThat(b.nextBatch(T0, true))
        .singleElement()
        .satisfies(o -> assertThat(o.records.get(0).record.seq()).isEqualTo(next));
  }

  @Test
  void aNewShardMapMovesWaitingKeysToTheirNewShards() {
    Backlog b = new Backlog(KinesisSinkConfig.builder().shardRecordsPerSecond(1).build());
    b.useMap(ShardMap.of(List.of(shard("shard-0", BigInteger.ZERO, HashKeys.MAX))));
    String low = key(true, 1);
    String high = key(false, 2);
    b.add(record(low, 10));
    b.add(record(high, 10));
    assertThat(b.nextBatch(T0, true)).hasSize(1); // one shard, one record a second
    b.useMap(twoShards());
    assertThat(b.nextBatch(T0, true)).hasSize(1); // the other key now has a shard of its own
  }
}
