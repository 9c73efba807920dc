package io.cdckinesis.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.EnvelopeCodec;
import io.cdckinesis.kinesis.testing.Rows;
import io.cdckinesis.local.sim.FaultHooks;
import io.cdckinesis.local.sim.ManualClock;
import io.cdckinesis.local.sim.SimulatedCall;
import io.cdckinesis.local.sim.SimulatedKinesis;
import io.cdckinesis.local.sim.SimulatedLimits;
import io.cdckinesis.local.sim.StoredRecord;
import io.cdckinesis.local.sim.StreamStats;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.model.InternalFailureException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * The sink with several calls in flight against a {@link SimulatedKinesis} that throttles, fails,
 * times out and reshards, in real time with short latencies: whatever happens, the stream read as
 * the KCL reads it holds every row, and a consumer that applies a row's changes in position order
 * (skipping what it has applied) applies exactly what was written, in order. Randomized from fixed
 * seeds; a failure names its seed.
 */
class SinkAtTheLimitsTest {

  private static final String STREAM = "limits";
  private static final int SHARD_RECORDS = 400;
  private static final int SHARD_BYTES = 256 * 1024;

  /** Faults decided from a seed: entry failures, failing calls, timeouts after a write, splits. */
  static final class SeededFaults implements FaultHooks {
    private final SplittableRandom random;
    private final double entryFailures;
    private final double callFailures;
    private final double timeouts;
    private final int splitAtPut;
    private final AtomicReference<SimulatedKinesis> sim = new AtomicReference<>();
    private int puts;

    SeededFaults(
        long seed, double entryFailures, double callFailures, double timeouts, int splitAtPut) {
      this.random = new SplittableRandom(seed);
      this.entryFailures = entryFailures;
      this.callFailures = callFailures;
      this.timeouts = timeouts;
      this.splitAtPut = splitAtPut;
    }

    @Override
    public synchronized RuntimeException failCall(SimulatedCall call) {
      if (!call.operation().equals("PutRecords")) {
        return null;
      }
      if (++puts == splitAtPut) {
        SimulatedKinesis k = sim.get();
        for (Shard s : k.shards(STREAM)) {
          if (s.sequenceNumberRange().endingSequenceNumber() == null) {
            k.splitShard(STREAM, s.shardId()); // every open shard splits in two, mid-load
          }
        }
      }
      if (random.nextDouble() < callFailures) {
        return random.nextBoolean()
            ? InternalFailureException.builder()
                .message("injected")
                .statusCode(500)
                .awsErrorDetails(
                    software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder()
                        .errorCode("InternalFailure")
                        .build())
                .build()
            : SdkClientException.create(
                "Unable to execute HTTP request", new java.net.SocketException("Connection reset"));
      }
      return null;
    }

    @Override
    public synchronized String failEntry(SimulatedCall call, int i, PutRecordsRequestEntry e) {
      return random.nextDouble() < entryFailures ? "InternalFailure" : null;
    }

    @Override
    public synchronized boolean timeOutAfterWrite(SimulatedCall call) {
      return random.nextDouble() < timeouts;
    }
  }

  /** Rows for {@code keys} customers in a seeded random order, rows numbered from 1. */
  private static List<ChangeRecord> rows(long seed, int count, int keys) {
    SplittableRandom r = new SplittableRandom(seed);
    List<ChangeRecord> out = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      out.add(Rows.customer(r.nextInt(keys), i, "name-" + i + "-" + "x".repeat(r.nextInt(200))));
    }
    return out;
  }

  private static SimulatedKinesis simulator(long seed, FaultHooks faults, Clock clock) {
    SplittableRandom latencies = new SplittableRandom(seed ^ 0x5DEECE66DL);
    return SimulatedKinesis.builder()
        .clock(clock)
        .latency(
            call -> {
              synchronized (latencies) {
                return Duration.ofMillis(1 + latencies.nextInt(8));
              }
            })
        .limits(SimulatedLimits.kinesis().withShardLimits(SHARD_BYTES, SHARD_RECORDS))
        .faults(faults)
        .build();
  }

  private static KinesisSinkConfig.Builder config(boolean aggregate) {
    return KinesisSinkConfig.builder()
        .aggregation(aggregate)
        .maxCallsInFlight(6)
        .maxAggregateBytes(16 * 1024)
        .maxBufferedRecords(2_000)
        .initialBackoff(Duration.ofMillis(5))
        .maxBackoff(Duration.ofMillis(200))
        .callTimeout(Duration.ofMillis(300)) // a timed-out call ends after this
        .shardRecordsPerSecond(SHARD_RECORDS)
        .shardBytesPerSecond(SHARD_BYTES);
  }

  /**
   * What a consumer that reads each shard in order (parents first, as Kinesis hands them out),
   * drops aggregates holding keys its shard does not own (as the KCL does), and applies a row's
   * change only if its position is past the last one applied, applies: rows per key.
   */
  private static Map<Object, List<Long>> applied(SimulatedKinesis sim) {
    EnvelopeCodec codec = EnvelopeCodec.create();
    Map<Object, List<Long>> out = new HashMap<>();
    for (Shard shard : sim.shards(STREAM)) {
      BigInteger start = new BigInteger(shard.hashKeyRange().startingHashKey());
      BigInteger end = new BigInteger(shard.hashKeyRange().endingHashKey());
      for (StoredRecord s : sim.records(STREAM, shard.shardId())) {
        for (DeaggregatedRecord d :
            KplDeaggregator.deaggregate(s.data(), s.partitionKey(), null, start, end)) {
          ChangeRecord r = codec.decodeRecord(d.data());
          List<Long> rows = out.computeIfAbsent(r.keyValues().get(0), k -> new ArrayList<>());
          if (rows.isEmpty() || rows.get(rows.size() - 1) < r.position().row()) {
            rows.add(r.position().row());
          }
        }
      }
    }
    return out;
  }

  private static Map<Object, List<Long>> written(List<ChangeRecord> rows) {
    Map<Object, List<Long>> out = new HashMap<>();
    for (ChangeRecord r : rows) {
      out.computeIfAbsent(r.keyValues().get(0), k -> new ArrayList<>()).add(r.position().row());
    }
    return out;
  }

  /** Change records read back, as the KCL reads them, without the position filter. */
  private static long readBack(SimulatedKinesis sim) {
    long n = 0;
    for (Shard shard : sim.shards(STREAM)) {
      BigInteger start = new BigInteger(shard.hashKeyRange().startingHashKey());
      BigInteger end = new BigInteger(shard.hashKeyRange().endingHashKey());
      for (StoredRecord s : sim.records(STREAM, shard.shardId())) {
        n += KplDeaggregator.deaggregate(s.data(), s.partitionKey(), null, start, end).size();
      }
    }
    return n;
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {11, 12, 13})
  void throttlingAndEntryFailuresWithCallsInFlightLoseNothingAndKeepOrder(long seed) {
    for (boolean aggregate : new boolean[] {false, true}) {
      SeededFaults faults = new SeededFaults(seed, aggregate ? 0.15 : 0.03, 0, 0, -1);
      SimulatedKinesis sim = simulator(seed, faults, Clock.systemUTC());
      sim.createStream(STREAM, 3);
      List<ChangeRecord> rows = rows(seed, 2000, 300);
      SinkMetrics m;
      try (KinesisChangeSink sink =
          KinesisChangeSink.builder()
              .client(sim)
              .streamName(STREAM)
              .config(config(aggregate).build())
              .random(new SplittableRandom(seed))
              .timeBudget(Duration.ofMinutes(2))
              .build()) {
        rows.forEach(sink::write);
        sink.flush();
        m = sink.metrics();
      }
      String what = "seed " + seed + (aggregate ? ", aggregated" : ", plain");
      // no whole call failed or timed out: every row exactly once, in order
      assertThat(readBack(sim)).as(what).isEqualTo(rows.size());
      assertThat(applied(sim)).as(what).isEqualTo(written(rows));
      assertThat(m.recordsWritten()).as(what).isEqualTo(rows.size());
      assertThat(m.retriedEntries()).as(what).isPositive();
      StreamStats stats = sim.stats(STREAM);
      assertThat(stats.entriesFailed()).as(what).isPositive();
      // pacing, not retries, keeps the rate: few entries throttled
      assertThat((double) stats.entriesThrottled() / stats.entriesReceived())
          .as(what + ": throttled share")
          .isLessThan(0.10);
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {21, 22, 23})
  void callFailuresTimeoutsAndASplitMidLoadStillGiveTheConsumerEveryRowInOrder(long seed) {
    for (boolean aggregate : new boolean[] {false, true}) {
      SeededFaults faults = new SeededFaults(seed, 0.02, 0.03, 0.03, 4);
      SimulatedKinesis sim = simulator(seed, faults, Clock.systemUTC());
      faults.sim.set(sim);
      sim.createStream(STREAM, 2);
      List<ChangeRecord> rows = rows(seed, 1500, 200);
      SinkMetrics m;
      try (KinesisChangeSink sink =
          KinesisChangeSink.builder()
              .client(sim)
              .streamName(STREAM)
              .config(config(aggregate).maxAttempts(30).build())
              .random(new SplittableRandom(seed))
              .timeBudget(Duration.ofMinutes(2))
              .build()) {
        rows.forEach(sink::write);
        sink.flush();
        m = sink.metrics();
      }
      String what = "seed " + seed + (aggregate ? ", aggregated" : ", plain");
      assertThat(sim.shards(STREAM)).as(what).hasSize(6); // the split happened
      // timeouts after a write make duplicates (at least once); the position filter removes them
      assertThat(readBack(sim)).as(what).isGreaterThanOrEqualTo(rows.size());
      assertThat(applied(sim)).as(what).isEqualTo(written(rows));
      assertThat(m.recordsWritten()).as(what).isEqualTo(rows.size());
      if (aggregate) {
        assertThat(m.reroutedRecords()).as(what).isPositive();
      }
    }
  }

  @Test
  void aStreamWithLessRoomThanExpectedIsThrottledAtFirstThenPacedDown() {
    // The sink believes 1,000 records a second per shard; the shards take 400 (another writer).
    SeededFaults none = new SeededFaults(1, 0, 0, 0, -1);
    SimulatedKinesis sim = simulator(1, none, Clock.systemUTC());
    sim.createStream(STREAM, 2);
    List<ChangeRecord> rows = rows(1, 3000, 600);
    KinesisSinkConfig config =
        config(false).shardRecordsPerSecond(1000).shardBytesPerSecond(1024 * 1024).build();
    try (KinesisChangeSink sink =
        KinesisChangeSink.builder()
            .client(sim)
            .streamName(STREAM)
            .config(config)
            .timeBudget(Duration.ofMinutes(2))
            .build()) {
      rows.forEach(sink::write);
      sink.flush();
      assertThat(sink.metrics().throttledEntries()).isPositive();
    }
    assertThat(applied(sim)).isEqualTo(written(rows));
    StreamStats stats = sim.stats(STREAM);
    // far fewer throttled entries than rows: the budget came down instead of retries piling up
    assertThat((double) stats.entriesThrottled() / stats.entriesReceived()).isLessThan(0.35);
  }

  @Test
  void theFenceStopsDispatchingLetsCallsInFlightFinishAndIsThrown() {
    SeededFaults none = new SeededFaults(1, 0, 0, 0, -1);
    SimulatedKinesis sim = simulator(1, none, Clock.systemUTC());
    sim.createStream(STREAM, 4);
    AtomicInteger checks = new AtomicInteger();
    WriteFencedException lost = new WriteFencedException("lease on dbo.Customer lost");
    KinesisChangeSink sink =
        KinesisChangeSink.builder()
            .client(sim)
            .streamName(STREAM)
            .config(config(false).maxBatchRecords(50).build())
            .fence(
                () -> {
                  if (checks.incrementAndGet() > 5) {
                    throw lost;
                  }
                })
            .build();
    Throwable thrown =
        catchThrowable(
            () -> {
              rows(1, 2000, 400).forEach(sink::write);
              sink.flush();
            });
    assertThat(thrown).isSameAs(lost);
    assertThat(checks.get()).isEqualTo(6);
    long calls = sim.stats(STREAM).putCalls();
    assertThat(calls).isEqualTo(5); // nothing dispatched after the fence refused
    assertThat(sink.metrics().putRecordsCalls()).isEqualTo(5);
    // the five calls were answered before the sink threw: their records are acknowledged
    assertThat(sink.metrics().recordsWritten()).isEqualTo(sim.records(STREAM).size());
    assertThatThrownBy(sink::flush)
        .isInstanceOf(KinesisWriteException.class)
        .hasCauseReference(lost);
    sink.close();
    assertThat(sim.stats(STREAM).putCalls()).isEqualTo(5);
  }

  @Test
  void aCallSlowerThanTheCallTimeoutIsAbandonedAndItsRecordsSentAgain() {
    AtomicInteger puts = new AtomicInteger();
    SimulatedKinesis sim =
        SimulatedKinesis.builder()
            .clock(Clock.systemUTC())
            .latency(
                call ->
                    call.operation().equals("PutRecords") && puts.incrementAndGet() % 4 == 1
                        ? Duration.ofMillis(150)
                        : Duration.ofMillis(2))
            .build();
    sim.createStream(STREAM, 2);
    List<ChangeRecord> rows = rows(3, 1500, 200);
    try (KinesisChangeSink sink =
        KinesisChangeSink.builder()
            .client(sim)
            .streamName(STREAM)
            .config(
                config(false)
                    .maxBatchRecords(100)
                    .callTimeout(Duration.ofMillis(100))
                    .maxAttempts(20)
                    .build())
            .build()) {
      rows.forEach(sink::write);
      sink.flush();
      assertThat(sink.metrics().retriedEntries()).isPositive();
    }
    // the abandoned calls landed (half their latency was the answer's): duplicates, in order
    assertThat(readBack(sim)).isGreaterThan(rows.size());
    assertThat(applied(sim)).isEqualTo(written(rows));
  }

  @Test
  void theSinksOwnThreadsEndWithClose() throws Exception {
    SeededFaults none = new SeededFaults(1, 0, 0, 0, -1);
    SimulatedKinesis sim = simulator(1, none, Clock.systemUTC());
    sim.createStream(STREAM, 4);
    try (KinesisChangeSink sink =
        KinesisChangeSink.builder()
            .client(sim)
            .streamName(STREAM)
            .config(config(false).build())
            .build()) {
      rows(1, 1500, 400).forEach(sink::write);
      sink.flush();
      assertThat(sinkThreads()).isPositive();
    }
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (sinkThreads() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(sinkThreads()).isZero();
  }

  private static long sinkThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("cdc-kinesis-sink-"))
        .count();
  }

  @Test
  void withAVirtualClockAndAnInlineExecutorTheSameSeedMakesTheSameCalls() {
    assertThat(calls(42)).isEqualTo(calls(42)).isNotEqualTo(calls(43));
  }

  /** The partition keys of every PutRecords call of a run in virtual time. */
  private static List<List<String>> calls(long seed) {
    ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    SeededFaults faults = new SeededFaults(seed, 0.05, 0.02, 0, -1);
    SimulatedKinesis sim =
        SimulatedKinesis.builder()
            .clock(clock)
            .latency(call -> Duration.ofMillis(30))
            .waiter(clock::advance)
            .limits(SimulatedLimits.kinesis().withShardLimits(SHARD_BYTES, SHARD_RECORDS))
            .faults(faults)
            .recordRequests(true)
            .build();
    sim.createStream(STREAM, 3);
    try (KinesisChangeSink sink =
        KinesisChangeSink.builder()
            .client(sim)
            .streamName(STREAM)
            .config(config(false).build())
            .clock(clock)
            .sleeper(clock::advance)
            .executor(Runnable::run)
            .random(new SplittableRandom(seed))
            .build()) {
      rows(seed, 2000, 300).forEach(sink::write);
      sink.flush();
    }
    List<List<String>> out = new ArrayList<>();
    for (PutRecordsRequest r : sim.putRecordsRequests(STREAM)) {
      out.add(r.records().stream().map(PutRecordsRequestEntry::partitionKey).toList());
    }
    return out;
  }
}
