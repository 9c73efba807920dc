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
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * The sink's machinery: encodes and keys records, sends oversize rows through the payload store,
 * sends batches picked by the {@link BatchPlanner}, retries failed entries under the {@link
 * RetryPolicy}, keeps the shard map for aggregation, and fails for good on the first error it
 * cannot or may no longer retry. One thread drives it.
 */
public final class SinkEngine {

  private static final Logger LOG = LoggerFactory.getLogger(SinkEngine.class);

  /**
   * Turns the client's own retries off for our calls: this sink retries each failed entry itself,
   * and a second layer would multiply the attempts (SDK 4 x sink 10 = 40 calls per entry with the
   * SDK's default legacy mode).
   */
  private static final AwsRequestOverrideConfiguration NO_SDK_RETRIES =
      AwsRequestOverrideConfiguration.builder()
          .addPlugin(
              client -> {
                ClientOverrideConfiguration current = client.overrideConfiguration();
                ClientOverrideConfiguration.Builder b =
                    current == null ? ClientOverrideConfiguration.builder() : current.toBuilder();
                client.overrideConfiguration(
                    b.retryStrategy(AwsRetryStrategy.doNotRetry()).build());
              })
          .build();

  private final KinesisClient client;
  private final StreamRef stream;
  private final EnvelopeCodec codec;
  private final KinesisSinkConfig config;
  private final Timing timing;
  private final Consumer<SinkMetrics> metricsListener;
  private final RetryPolicy policy;
  private final BatchPlanner planner;
  private final ClaimCheck claimCheck;
  private final ShardMapSource shards; // null without aggregation
  private final AwsRequestOverrideConfiguration requestOverride; // null: keep the SDK's retries
  private final MetricsCounter metrics = new MetricsCounter();

  private long nextSeq;
  private CdcException failure;
  private boolean closed;

  public SinkEngine(
      KinesisClient client,
      StreamRef stream,
      EnvelopeCodec codec,
      KinesisSinkConfig config,
      PayloadStore payloadStore,
      Clock clock,
      Sleeper sleeper,
      Consumer<SinkMetrics> metricsListener) {
    this.client = client;
    this.stream = stream;
    this.codec = codec;
    this.config = config;
    this.timing = new Timing(clock, sleeper, stream);
    this.metricsListener = metricsListener;
    this.policy = new RetryPolicy(config);
    this.planner = new BatchPlanner(config);
    this.claimCheck = new ClaimCheck(stream, codec, payloadStore, config.maxRecordBytes());
    this.requestOverride = config.sdkRetries() ? null : NO_SDK_RETRIES;
    this.shards =
        config.aggregation()
            ? new ShardMapSource(client, stream, config, policy, timing, requestOverride)
            : null;
  }

  public void write(ChangeRecord record) {
    checkUsable();
    try {
      planner.add(prepare(record));
      while (planner.freshRecords() >= config.maxBufferedRecords()
          || planner.freshBytes() >= config.maxBufferedBytes()) {
        sendOnce();
      }
    } catch (CdcException e) {
      failure = e;
      throw e;
    }
  }

  public void flush() {
    checkUsable();
    try {
      while (!planner.isEmpty()) {
        sendOnce();
      }
    } catch (CdcException e) {
      failure = e;
      throw e;
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

  // ---- preparing records ------------------------------------------------------------------

  private UserRecord prepare(ChangeRecord record) {
    byte[] data = codec.encode(record);
    String key = PartitionKeys.of(record);
    int keyBytes = key.getBytes(StandardCharsets.UTF_8).length;
    boolean pointer = false;
    if (data.length + keyBytes > config.maxRecordBytes()) {
      data = claimCheck.pointerFor(record, data, keyBytes);
      pointer = true;
    }
    return UserRecord.of(nextSeq++, key, data, pointer, record.tableId(), record.position());
  }

  // ---- sending ----------------------------------------------------------------------------

  /** Sends one batch, or waits for the earliest retry when nothing can go yet. */
  private void sendOnce() {
    ShardMap shardMap = shards == null ? null : shards.current();
    long now = timing.nowNanos();
    List<OutgoingRecord> batch = planner.nextBatch(now, shardMap);
    if (batch.isEmpty()) {
      OptionalLong due = planner.nextRetryNanos(now);
      if (due.isEmpty()) {
        // Everything waiting is blocked, yet nothing waits for a deadline: a bug, not a state
        // to spin in.
        throw new IllegalStateException(
            "sink for stream "
                + stream
                + " cannot make progress: "
                + planner.retryEntries()
                + " retries and "
                + planner.freshRecords()
                + " records wait, none is due");
      }
      timing.sleep(Duration.ofNanos(due.getAsLong() - now));
      return;
    }
    List<PutRecordsRequestEntry> entries = new ArrayList<>(batch.size());
    for (OutgoingRecord r : batch) {
      entries.add(r.entry());
    }
    PutRecordsRequest.Builder request =
        stream.applyTo(PutRecordsRequest.builder()).records(entries);
    if (requestOverride != null) {
      request.overrideConfiguration(requestOverride);
    }
    metrics.putRecordsCalls++;
    try {
      PutRecordsResponse response;
      try {
        response = client.putRecords(request.build());
      } catch (RuntimeException e) {
        onCallFailure(batch, e);
        return;
      }
      onResponse(batch, response);
    } finally {
      publishMetrics();
    }
  }

  private void onCallFailure(List<OutgoingRecord> batch, RuntimeException e) {
    KinesisErrors.Kind kind = KinesisErrors.of(e);
    String code = KinesisErrors.codeOf(e);
    if (kind == KinesisErrors.Kind.ABORTED) {
      throw WriteFailures.interrupted(stream, "PutRecords", e);
    }
    if (!policy.retries(e)) {
      metrics.failedEntries += batch.size();
      throw WriteFailures.fatal(stream, code, e, "PutRecords");
    }
    LOG.debug("PutRecords to stream {} failed as a whole ({}), retrying", stream, code);
    long now = timing.nowNanos();
    int exhausted = 0;
    for (OutgoingRecord r : batch) {
      int attempts = r.recordAttempt();
      if (kind == KinesisErrors.Kind.THROTTLED) {
        metrics.throttledEntries++;
      }
      if (!policy.hasAttemptsLeft(attempts)) {
        exhausted++;
      }
    }
    if (exhausted > 0) {
      metrics.failedEntries += exhausted;
      throw WriteFailures.gaveUp(stream, exhausted, policy.maxAttempts(), code, e);
    }
    Map<Integer, Long> delays = new HashMap<>();
    for (OutgoingRecord r : batch) {
      long delay = delays.computeIfAbsent(r.attempts(), a -> policy.backoff(a, e).toNanos());
      r.readyAt(now + delay);
      metrics.retriedEntries++;
      planner.retry(r);
    }
  }

  private void onResponse(List<OutgoingRecord> batch, PutRecordsResponse response) {
    List<PutRecordsResultEntry> results = response.records();
    if (results.size() != batch.size()) {
      metrics.failedEntries += batch.size();
      throw new KinesisWriteException(
          stream.toString(),
          null,
          "PutRecords to stream "
              + stream
              + " answered "
              + results.size()
              + " results for "
              + batch.size()
              + " entries; cannot tell which were written",
          null,
          true);
    }
    long now = timing.nowNanos();
    String fatalCode = null;
    int fatalCount = 0;
    String lastCode = null;
    int exhausted = 0;
    List<OutgoingRecord> toRetry = new ArrayList<>();
    // One wait per attempt count, not per entry: entries that failed together go out together,
    // in full batches, rather than trickling out one jittered deadline at a time.
    Map<Integer, Long> delays = new HashMap<>();
    for (int i = 0; i < batch.size(); i++) {
      OutgoingRecord r = batch.get(i);
      PutRecordsResultEntry result = results.get(i);
      if (result.errorCode() == null) {
        acknowledge(r, result.shardId());
        continue;
      }
      String code = result.errorCode();
      KinesisErrors.Kind kind = KinesisErrors.ofErrorCode(code);
      int attempts = r.recordAttempt();
      if (kind == KinesisErrors.Kind.THROTTLED) {
        metrics.throttledEntries++;
      }
      if (!policy.retries(code)) {
        fatalCode = fatalCode == null ? code : fatalCode;
        fatalCount++;
      } else if (!policy.hasAttemptsLeft(attempts)) {
        exhausted++;
        lastCode = code;
      } else {
        long delay = delays.computeIfAbsent(attempts, a -> policy.backoff(a, code).toNanos());
        r.readyAt(now + delay);
        toRetry.add(r);
      }
    }
    if (fatalCount > 0) {
      metrics.failedEntries += fatalCount;
      throw WriteFailures.rejectedEntries(stream, fatalCount, fatalCode);
    }
    if (exhausted > 0) {
      metrics.failedEntries += exhausted;
      throw WriteFailures.gaveUp(stream, exhausted, policy.maxAttempts(), lastCode, null);
    }
    if (!toRetry.isEmpty()) {
      LOG.debug(
          "{} of {} entries to stream {} failed, retrying", toRetry.size(), batch.size(), stream);
    }
    for (OutgoingRecord r : toRetry) {
      metrics.retriedEntries++;
      planner.retry(r);
    }
  }

  private void acknowledge(OutgoingRecord r, String shardId) {
    metrics.kinesisRecordsWritten++;
    metrics.recordsWritten += r.userRecords().size();
    metrics.bytesWritten += r.kinesisBytes();
    for (UserRecord u : r.userRecords()) {
      if (u.pointer()) {
        metrics.oversizeRecords++;
      }
    }
    if (shards != null && r.predictedShard() != null && !r.predictedShard().equals(shardId)) {
      shards.landedElsewhere(r.predictedShard(), shardId);
    }
  }

  private void publishMetrics() {
    if (metricsListener != null) {
      metricsListener.accept(metrics.snapshot());
    }
  }
}
