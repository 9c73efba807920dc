package io.cdckinesis.kinesis.internal;

import io.cdckinesis.core.CdcException;
import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.EnvelopeCodec;
import io.cdckinesis.core.spi.PayloadStore;
import io.cdckinesis.kinesis.KinesisSinkConfig;
import io.cdckinesis.kinesis.KinesisWriteException;
import io.cdckinesis.kinesis.PartitionKeys;
import io.cdckinesis.kinesis.SinkMetrics;
import io.cdckinesis.kinesis.Sleeper;
import io.cdckinesis.kinesis.WriteFence;
import io.cdckinesis.kinesis.WriteFencedException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * The sink's machinery. The driving thread encodes and keys records (oversize rows through the
 * payload store), keeps the {@link Backlog}, picks each call, dispatches it to the executor, and
 * handles every answer: acknowledgements, retries, throttling feedback to the shard's pacer, and
 * re-sending records of an aggregate that a reshard sent to the wrong shard. The executor's threads
 * only make the calls and hand the answers back through a queue, so all state belongs to the
 * driving thread.
 *
 * <p>It fails for good on the first error it cannot or may no longer retry (a non-retryable error,
 * attempts exhausted, the deadline, the write fence): it then dispatches nothing more, waits for
 * the calls in flight, and throws.
 */
public final class SinkEngine {

  private static final Logger LOG = LoggerFactory.getLogger(SinkEngine.class);

  private static final AtomicInteger THREADS = new AtomicInteger();

  /** What a {@link SinkEngine} is built from, beyond the client and stream. */
  public record Parts(
      EnvelopeCodec codec,
      KinesisSinkConfig config,
      PayloadStore payloadStore,
      Clock clock,
      Sleeper sleeper,
      Consumer<SinkMetrics> metricsListener,
      RandomGenerator random,
      Executor executor,
      WriteFence fence,
      Supplier<Instant> deadline) {}

  private enum Goal {
    /** Send what makes a full call, handle answers, never wait. */
    OPPORTUNISTIC,
    /** Send until the buffer is below its limits. */
    ROOM,
    /** Send until everything is acknowledged. */
    DRAINED
  }

  private record Call(List<OutgoingRecord> entries, long mapGeneration) {}

  /** A call's answer, and when it came (on the sink's clock, read by the thread that called). */
  private record Answer(Call call, PutRecordsResponse response, Throwable error, long atNanos) {}

  private final KinesisClient client;
  private final StreamRef stream;
  private final EnvelopeCodec codec;
  private final KinesisSinkConfig config;
  private final Timing timing;
  private final Consumer<SinkMetrics> metricsListener;
  private final RetryPolicy policy;
  private final ClaimCheck claimCheck;
  private final ShardMapSource shards;
  private final AwsRequestOverrideConfiguration requestOverride;
  private final MetricsCounter metrics = new MetricsCounter();
  private final Backlog backlog;
  private final WriteFence fence;
  private final Supplier<Instant> deadline;
  private final Executor givenExecutor;
  private final BlockingQueue<Answer> answers = new LinkedBlockingQueue<>();

  /** Between looks for a full call while writing. */
  private static final int LOOK_EVERY = 32;

  private int writesSinceLook;
  private ThreadPoolExecutor ownExecutor;
  private long mapGeneration = -1;
  private int inFlight;
  private long inFlightRecords;
  private long nextSeq;
  private String lastErrorCode;
  private CdcException failure;
  private boolean closed;

  public SinkEngine(KinesisClient client, StreamRef stream, Parts parts) {
    this.client = client;
    this.stream = stream;
    this.codec = parts.codec();
    this.config = parts.config();
    this.timing = new Timing(parts.clock(), parts.sleeper(), stream);
    this.metricsListener = parts.metricsListener();
    this.policy = new RetryPolicy(config, parts.random());
    this.claimCheck = new ClaimCheck(stream, codec, parts.payloadStore(), config.maxRecordBytes());
    this.requestOverride = requestOverride(config);
    this.shards = new ShardMapSource(client, stream, config, policy, timing, requestOverride);
    this.backlog = new Backlog(config);
    this.fence = parts.fence();
    this.deadline = parts.deadline();
    this.givenExecutor = parts.executor();
  }

  /**
   * Each call is bounded by the call timeout; the client's own retries are off unless asked for:
   * this sink retries each failed entry itself, and a second layer would multiply the attempts (SDK
   * 4 x sink 10 = 40 calls per entry with the SDK's default legacy mode).
   */
  private static AwsRequestOverrideConfiguration requestOverride(KinesisSinkConfig config) {
    AwsRequestOverrideConfiguration.Builder b =
        AwsRequestOverrideConfiguration.builder().apiCallTimeout(config.callTimeout());
    if (!config.sdkRetries()) {
      b.addPlugin(
          c -> {
            ClientOverrideConfiguration current = c.overrideConfiguration();
            ClientOverrideConfiguration.Builder o =
                current == null ? ClientOverrideConfiguration.builder() : current.toBuilder();
            c.overrideConfiguration(o.retryStrategy(AwsRetryStrategy.doNotRetry()).build());
          });
    }
    return b.build();
  }

  public void write(ChangeRecord record) {
    checkUsable();
    try {
      backlog.add(prepare(record));
      if (backlog.queuedRecords() >= config.maxBufferedRecords()
          || backlog.queuedBytes() >= config.maxBufferedBytes()) {
        pump(Goal.ROOM);
      } else if (!answers.isEmpty() || ++writesSinceLook >= LOOK_EVERY) {
        // answers to handle, or maybe a full call to send (looked for every few writes only: the
        // look costs more than a write)
        writesSinceLook = 0;
        pump(Goal.OPPORTUNISTIC);
      }
    } catch (CdcException e) {
      throw failed(e);
    }
  }

  public void flush() {
    checkUsable();
    try {
      pump(Goal.DRAINED);
    } catch (CdcException e) {
      throw failed(e);
    }
  }

  /** Flushes unless the sink has already failed (that failure was thrown to the caller then). */
  public void close() {
    if (closed) {
      return;
    }
    try {
      if (failure == null) {
        flush();
      }
    } finally {
      closed = true;
      if (ownExecutor != null) {
        ownExecutor.shutdown();
      }
    }
  }

  public SinkMetrics metrics() {
    return metrics.snapshot();
  }

  private void checkUsable() {
    if (closed) {
      throw new IllegalStateException("the sink for stream " + stream + " is closed");
    }
    if (failure != null) {
      throw new KinesisWriteException(
          stream.toString(),
          failure instanceof KinesisWriteException k ? k.errorCode() : null,
          "the sink for stream "
              + stream
              + " failed earlier and accepts no more records: "
              + failure.getMessage(),
          failure,
          failure.isRetryable());
    }
  }

  /** Records the first failure, lets the calls in flight finish, and returns what to throw. */
  private CdcException failed(CdcException e) {
    if (failure == null) {
      failure = e;
    }
    awaitCallsInFlight();
    return e;
  }

  // ---- preparing records ------------------------------------------------------------------------

  private UserRecord prepare(ChangeRecord record) {
    UserRecord u =
        UserRecord.of(
            nextSeq++,
            PartitionKeys.of(record),
            codec.encode(record),
            false,
            record.tableId(),
            record.position());
    if (u.kinesisBytes() > config.maxRecordBytes()) {
      u = u.withData(claimCheck.pointerFor(record, u.data(), u.partitionKeyBytes()), true);
    }
    return u;
  }

  // ---- the loop
  // -----------------------------------------------------------------------------------

  private void pump(Goal goal) {
    while (true) {
      handleAnswers();
      checkDeadline();
      if (failure != null) {
        throw failure;
      }
      if (reached(goal)) {
        return;
      }
      if (inFlight < config.maxCallsInFlight()) {
        useCurrentShardMap();
        List<OutgoingRecord> batch =
            backlog.nextBatch(timing.nowNanos(), goal != Goal.OPPORTUNISTIC);
        if (!batch.isEmpty()) {
          dispatch(batch);
          continue;
        }
      }
      if (goal == Goal.OPPORTUNISTIC) {
        return;
      }
      awaitProgress();
    }
  }

  private boolean reached(Goal goal) {
    return switch (goal) {
      case OPPORTUNISTIC -> false;
      case ROOM ->
          backlog.queuedRecords() < config.maxBufferedRecords()
              && backlog.queuedBytes() < config.maxBufferedBytes();
      case DRAINED -> backlog.isEmpty() && inFlight == 0;
    };
  }

  private void useCurrentShardMap() {
    ShardMap map = shards.current();
    if (shards.generation() != mapGeneration) {
      mapGeneration = shards.generation();
      backlog.useMap(map);
      metrics.openShards = map.size();
    }
  }

  private void checkDeadline() {
    if (deadline == null || failure != null || (backlog.isEmpty() && inFlight == 0)) {
      return;
    }
    Instant due = deadline.get();
    if (due != null && !timing.now().isBefore(due)) {
      long unacknowledged = backlog.queuedRecords() + inFlightRecords;
      metrics.failedEntries += backlog.queuedRecords(); // and those of calls in flight that fail
      failure =
          WriteFailures.deadlinePassed(
              stream, unacknowledged, metrics.throttledEntries, lastErrorCode);
    }
  }

  /** Waits for an answer, or until a shard's budget, a backoff or the deadline lets work go on. */
  private void awaitProgress() {
    long now = timing.nowNanos();
    long wake = inFlight >= config.maxCallsInFlight() ? Long.MAX_VALUE : backlog.nextWakeNanos(now);
    if (deadline != null) {
      Instant due = deadline.get();
      if (due != null) {
        wake = Math.min(wake, due.getEpochSecond() * 1_000_000_000L + due.getNano());
      }
    }
    if (inFlight > 0) {
      try {
        Answer a =
            wake == Long.MAX_VALUE
                ? answers.take()
                : answers.poll(Math.max(0, wake - now), TimeUnit.NANOSECONDS);
        if (a != null) {
          handle(a);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw WriteFailures.interrupted(stream, "waiting for PutRecords", e);
      }
      return;
    }
    if (wake == Long.MAX_VALUE) {
      // Everything waiting is blocked, yet nothing is in flight or waits for a time: a bug, not a
      // state to spin in.
      throw new IllegalStateException(
          "sink for stream " + stream + " cannot make progress: " + backlog);
    }
    // At least a millisecond, so that a clock that stands still between reads cannot spin us.
    timing.sleep(Duration.ofNanos(Math.max(1_000_000, wake - now)));
  }

  private void awaitCallsInFlight() {
    while (inFlight > 0) {
      try {
        handle(answers.take());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return; // the calls finish on their own; nothing more is dispatched
      }
    }
  }

  // ---- dispatching
  // -------------------------------------------------------------------------------

  private void dispatch(List<OutgoingRecord> batch) {
    try {
      fence.check();
    } catch (CdcException e) {
      failure = e;
      return;
    } catch (RuntimeException e) {
      failure = new WriteFencedException("the write fence failed: " + e.getMessage(), e);
      return;
    }
    List<PutRecordsRequestEntry> entries = new ArrayList<>(batch.size());
    long records = 0;
    for (OutgoingRecord o : batch) {
      entries.add(o.entry);
      records += o.records.size();
    }
    PutRecordsRequest request =
        stream
            .applyTo(PutRecordsRequest.builder())
            .records(entries)
            .overrideConfiguration(requestOverride)
            .build();
    Call call = new Call(batch, mapGeneration);
    metrics.putRecordsCalls++;
    inFlight++;
    inFlightRecords += records;
    try {
      executor().execute(() -> run(call, request));
    } catch (RejectedExecutionException e) {
      inFlight--;
      inFlightRecords -= records;
      throw new KinesisWriteException(
          stream.toString(),
          null,
          "the executor for stream " + stream + " refused a PutRecords call",
          e,
          true);
    }
  }

  /** Runs on the executor: the call, and its answer handed back. */
  private void run(Call call, PutRecordsRequest request) {
    PutRecordsResponse response;
    try {
      response = client.putRecords(request);
    } catch (Throwable t) {
      answers.add(new Answer(call, null, t, timing.nowNanos()));
      return;
    }
    answers.add(new Answer(call, response, null, timing.nowNanos()));
  }

  private Executor executor() {
    if (givenExecutor != null) {
      return givenExecutor;
    }
    if (config.maxCallsInFlight() == 1) {
      return Runnable::run;
    }
    if (ownExecutor == null) {
      int n = config.maxCallsInFlight();
      ownExecutor =
          new ThreadPoolExecutor(
              n,
              n,
              30,
              TimeUnit.SECONDS,
              new LinkedBlockingQueue<>(),
              r -> {
                Thread t = new Thread(r, "cdc-kinesis-sink-" + THREADS.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
      ownExecutor.allowCoreThreadTimeOut(true);
    }
    return ownExecutor;
  }

  // ---- answers
  // -----------------------------------------------------------------------------------

  private void handleAnswers() {
    for (Answer a = answers.poll(); a != null; a = answers.poll()) {
      handle(a);
    }
  }

  private void handle(Answer a) {
    inFlight--;
    for (OutgoingRecord o : a.call.entries) {
      inFlightRecords -= o.records.size();
    }
    if (a.error instanceof Error e) {
      throw e;
    }
    try {
      if (a.error != null) {
        onCallFailure(a.call, (RuntimeException) a.error, a.atNanos);
      } else {
        onResponse(a.call, a.response, a.atNanos);
      }
    } catch (CdcException e) {
      if (failure == null) {
        failure = e;
      }
    } finally {
      publishMetrics();
    }
  }

  private void onCallFailure(Call call, RuntimeException e, long answeredAt) {
    long now = timing.nowNanos();
    for (OutgoingRecord o : call.entries) {
      // A service error means the request was refused: nothing counted against the shards. After
      // a timeout or a broken connection some entries may have landed: keep them in the budget.
      settle(o, answeredAt, e instanceof AwsServiceException);
    }
    if (failure != null) {
      return; // failing already: nothing is sent again
    }
    KinesisErrors.Kind kind = KinesisErrors.of(e);
    String code = KinesisErrors.codeOf(e);
    lastErrorCode = code;
    int entries = call.entries.size();
    if (kind == KinesisErrors.Kind.ABORTED) {
      throw WriteFailures.interrupted(stream, "PutRecords", e);
    }
    if (!policy.retries(e)) {
      metrics.failedEntries += entries;
      throw WriteFailures.fatal(stream, code, e, "PutRecords");
    }
    LOG.debug("PutRecords to stream {} failed as a whole ({}), retrying", stream, code);
    boolean throttled = kind == KinesisErrors.Kind.THROTTLED;
    int exhausted = 0;
    int worst = 0;
    for (OutgoingRecord o : call.entries) {
      for (PendingRecord p : o.records) {
        int n = throttled ? ++p.callThrottles : ++p.failures;
        worst = Math.max(worst, n);
        if (!throttled && !policy.hasAttemptsLeft(p.failures)) {
          exhausted++;
        }
      }
    }
    if (throttled) {
      metrics.throttledEntries += entries;
    }
    if (exhausted > 0) {
      metrics.failedEntries += exhausted;
      throw WriteFailures.gaveUp(stream, exhausted, policy.maxAttempts(), code, e);
    }
    long readyAt = now + policy.backoff(worst, e).toNanos();
    for (OutgoingRecord o : call.entries) {
      metrics.retriedEntries++;
      backlog.finish(o, o.records, readyAt, now);
    }
  }

  private void onResponse(Call call, PutRecordsResponse response, long answeredAt) {
    List<PutRecordsResultEntry> results = response.records();
    if (results.size() != call.entries.size()) {
      call.entries.forEach(o -> settle(o, answeredAt, false));
      metrics.failedEntries += call.entries.size();
      throw new KinesisWriteException(
          stream.toString(),
          null,
          "PutRecords to stream "
              + stream
              + " answered "
              + results.size()
              + " results for "
              + call.entries.size()
              + " entries; cannot tell which were written",
          null,
          true);
    }
    long now = timing.nowNanos();
    ShardMap map = reroutingMap(call, results);
    String fatalCode = null;
    int fatalCount = 0;
    String exhaustedCode = null;
    int exhausted = 0;
    int failed = 0;
    // One wait per failure count, not per entry: entries that failed together go out together,
    // in full calls, rather than trickling out one jittered deadline at a time.
    Map<Integer, Long> delays = new HashMap<>();
    Set<ShardPacer> throttledShards = new LinkedHashSet<>(); // in answer order: deterministic
    Set<ShardPacer> acceptedShards = new LinkedHashSet<>();
    for (int i = 0; i < results.size(); i++) {
      OutgoingRecord o = call.entries.get(i);
      PutRecordsResultEntry result = results.get(i);
      if (result.errorCode() == null) {
        settle(o, answeredAt, false);
        acknowledge(o, result.shardId(), map, now);
        if (o.lane.pacer != null) {
          acceptedShards.add(o.lane.pacer);
        }
        continue;
      }
      failed++;
      String code = result.errorCode();
      lastErrorCode = code;
      settle(o, answeredAt, true);
      if (failure != null) {
        metrics.failedEntries += o.records.size(); // failing already: nothing is sent again
        continue;
      }
      KinesisErrors.Kind kind = KinesisErrors.ofErrorCode(code);
      if (kind == KinesisErrors.Kind.THROTTLED) {
        metrics.throttledEntries++;
        metrics.retriedEntries++;
        if (o.lane.pacer != null) {
          throttledShards.add(o.lane.pacer);
        }
        backlog.finish(o, o.records, now, now); // the shard's pacer decides when
      } else if (!policy.retries(code)) {
        fatalCode = fatalCode == null ? code : fatalCode;
        fatalCount++;
      } else {
        int worst = 0;
        for (PendingRecord p : o.records) {
          worst = Math.max(worst, ++p.failures);
        }
        if (!policy.hasAttemptsLeft(worst)) {
          exhausted++;
          exhaustedCode = code;
        } else {
          long delay = delays.computeIfAbsent(worst, n -> policy.backoff(n).toNanos());
          metrics.retriedEntries++;
          backlog.finish(o, o.records, now + delay, now);
        }
      }
    }
    for (ShardPacer p : throttledShards) {
      // The shard is full now, whatever the ledger says: let it rest a little (longer each time
      // in a row), and lower its budget.
      p.restUntil(now + policy.backoff(p.throttled(now)).toNanos());
    }
    for (ShardPacer p : acceptedShards) {
      if (!throttledShards.contains(p)) {
        p.accepted(now);
      }
    }
    if (failed > 0) {
      LOG.debug("{} of {} entries to stream {} failed", failed, call.entries.size(), stream);
    }
    if (fatalCount > 0) {
      metrics.failedEntries += fatalCount;
      throw WriteFailures.rejectedEntries(stream, fatalCount, fatalCode);
    }
    if (exhausted > 0) {
      metrics.failedEntries += exhausted;
      throw WriteFailures.gaveUp(stream, exhausted, policy.maxAttempts(), exhaustedCode, null);
    }
  }

  /**
   * When an entry landed in a shard other than predicted, the shard map is out of date (a reshard).
   * For aggregates, the map is listed again now, so that their records can be checked against the
   * shard they landed in; plain records went where their key belongs anyway, and the map is listed
   * before the next call.
   *
   * @return the map to check aggregates' records with, or {@code null} when none landed elsewhere
   */
  private ShardMap reroutingMap(Call call, List<PutRecordsResultEntry> results) {
    boolean aggregateElsewhere = false;
    for (int i = 0; i < results.size(); i++) {
      OutgoingRecord o = call.entries.get(i);
      String landed = results.get(i).shardId();
      String predicted = o.predictedShard();
      if (results.get(i).errorCode() == null && landed != null && !landed.equals(predicted)) {
        shards.landedElsewhere(call.mapGeneration, predicted, landed);
        aggregateElsewhere |= o.aggregated;
      }
    }
    if (!aggregateElsewhere || failure != null) {
      return null;
    }
    useCurrentShardMap();
    return shards.current();
  }

  private void acknowledge(OutgoingRecord o, String landed, ShardMap map, long now) {
    List<PendingRecord> resend = List.of();
    if (map != null && o.aggregated && !landed.equals(o.predictedShard())) {
      // The KCL (and KplDeaggregator with a shard range) drops an aggregate holding any record
      // whose key the shard does not own. Then send all its records again, each to its own shard,
      // before their keys' later records (their keys stay busy until now, so none has gone ahead).
      for (PendingRecord p : o.records) {
        if (!map.owns(landed, p.record.hashKey())) {
          resend = o.records;
          metrics.reroutedRecords += resend.size();
          break;
        }
      }
    }
    metrics.kinesisRecordsWritten++;
    metrics.bytesWritten += o.kinesisBytes;
    metrics.recordsWritten += o.records.size() - resend.size();
    for (PendingRecord p : o.records) {
      if (p.record.pointer() && !resend.contains(p)) {
        metrics.oversizeRecords++;
      }
    }
    if (failure == null) {
      backlog.finish(o, resend, now, now);
    }
  }

  /** The entry was answered: its shard's budget counts it for a second more, or not at all. */
  private static void settle(OutgoingRecord o, long now, boolean refused) {
    if (o.slot != null) {
      o.lane.pacer.settle(o.slot, now, refused);
    }
  }

  private void publishMetrics() {
    if (metricsListener != null) {
      metricsListener.accept(metrics.snapshot());
    }
  }
}
