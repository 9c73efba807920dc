package io.cdckinesis.kinesis.internal;

import io.cdckinesis.core.CdcException;
import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.EnvelopeCodec;
import io.cdckinesis.core.PayloadPointer;
import io.cdckinesis.core.spi.PayloadStore;
import io.cdckinesis.kinesis.KinesisSinkConfig;
import io.cdckinesis.kinesis.KinesisWriteException;
import io.cdckinesis.kinesis.PartitionKeys;
import io.cdckinesis.kinesis.SinkMetrics;
import io.cdckinesis.kinesis.Sleeper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;

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
   * and a second layer would multiply the attempts (SDK 3 x sink 10 = 30 calls per entry).
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
  private final PayloadStore payloadStore;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Consumer<SinkMetrics> metricsListener;
  private final RetryPolicy policy;
  private final BatchPlanner planner;
  private final MetricsCounter metrics = new MetricsCounter();

  private ShardMap shardMap;
  private long shardMapListedAtNanos;
  private boolean shardMapStale;
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
    this.payloadStore = payloadStore;
    this.clock = clock;
    this.sleeper = sleeper;
    this.metricsListener = metricsListener;
    this.policy = new RetryPolicy(config);
    this.planner = new BatchPlanner(config);
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
      data = claimCheck(record, data, keyBytes);
      pointer = true;
    }
    return UserRecord.of(nextSeq++, key, data, pointer, record.tableId(), record.position());
  }

  /** Stores an oversize row's envelope and returns the pointer envelope to send instead. */
  private byte[] claimCheck(ChangeRecord record, byte[] envelope, int keyBytes) {
    if (payloadStore == null) {
      throw new KinesisWriteException(
          stream.toString(),
          null,
          "row of "
              + record.tableId()
              + " at "
              + record.position()
              + " is "
              + (envelope.length + keyBytes)
              + " bytes with its partition key, over the record limit of "
              + config.maxRecordBytes()
              + " bytes for stream "
              + stream
              + ", and no payload store is configured for oversize rows",
          null,
          false);
    }
    String uri = payloadStore.put(payloadName(record), envelope);
    byte[] pointer =
        codec.encodePointer(record, new PayloadPointer(uri, envelope.length, sha256Hex(envelope)));
    if (pointer.length + keyBytes > config.maxRecordBytes()) {
      throw new KinesisWriteException(
          stream.toString(),
          null,
          "even the pointer envelope for the row of "
              + record.tableId()
              + " at "
              + record.position()
              + " exceeds the record limit of "
              + config.maxRecordBytes()
              + " bytes",
          null,
          false);
    }
    return pointer;
  }

  /**
   * Where an oversize row is stored: derived from its table and source position only, so sending
   * the same row again (a retried file) overwrites the same object.
   */
  public static String payloadName(ChangeRecord record) {
    String id =
        record.schema()
            + '\u0000'
            + record.table()
            + '\u0000'
            + record.position().objectUri()
            + '\u0000'
            + record.position().row();
    return safe(record.schema())
        + "/"
        + safe(record.table())
        + "/"
        + sha256Hex(id.getBytes(StandardCharsets.UTF_8)).substring(0, 32)
        + "-"
        + record.position().row()
        + ".json";
  }

  private static String safe(String name) {
    return name.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  private static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }

  // ---- sending ----------------------------------------------------------------------------

  /** Sends one batch, or waits for the earliest retry when nothing can go yet. */
  private void sendOnce() {
    if (config.aggregation()) {
      refreshShardMapIfNeeded();
    }
    long now = nowNanos();
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
      sleep(Duration.ofNanos(due.getAsLong() - now));
      return;
    }
    List<PutRecordsRequestEntry> entries = new ArrayList<>(batch.size());
    for (OutgoingRecord r : batch) {
      entries.add(r.entry());
    }
    PutRecordsRequest.Builder request =
        stream.applyTo(PutRecordsRequest.builder()).records(entries);
    if (!config.sdkRetries()) {
      request.overrideConfiguration(NO_SDK_RETRIES);
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
      throw new KinesisWriteException(
          stream.toString(),
          null,
          "PutRecords to stream " + stream + " was interrupted; no record after it is acknowledged",
          e,
          true);
    }
    if (!policy.retries(e)) {
      metrics.failedEntries += batch.size();
      throw fatal(code, e, "PutRecords");
    }
    LOG.debug("PutRecords to stream {} failed as a whole ({}), retrying", stream, code);
    long now = nowNanos();
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
      throw gaveUp(exhausted, code, e);
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
    long now = nowNanos();
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
      throw new KinesisWriteException(
          stream.toString(),
          fatalCode,
          "PutRecords to stream "
              + stream
              + " rejected "
              + fatalCount
              + " entries with "
              + fatalCode
              + "; "
              + hint(fatalCode)
              + "; no record after them is acknowledged",
          null,
          false);
    }
    if (exhausted > 0) {
      metrics.failedEntries += exhausted;
      throw gaveUp(exhausted, lastCode, null);
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
    if (r.predictedShard() != null && !r.predictedShard().equals(shardId)) {
      if (!shardMapStale) {
        LOG.info(
            "a record for stream {} landed in shard {}, not {} as predicted; listing shards again",
            stream,
            shardId,
            r.predictedShard());
      }
      shardMapStale = true;
    }
  }

  private KinesisWriteException gaveUp(int entries, String code, Throwable cause) {
    return new KinesisWriteException(
        stream.toString(),
        code,
        "gave up writing to stream "
            + stream
            + ": "
            + entries
            + " entries still failed after "
            + policy.maxAttempts()
            + " attempts (last error "
            + code
            + "); no record after them is acknowledged",
        cause,
        true);
  }

  private KinesisWriteException fatal(String code, Throwable e, String operation) {
    // Validation messages may quote request values (partition keys hold key values): leave them
    // and the exception out; other service messages name only principals, keys and streams.
    boolean mayQuoteInput =
        "InvalidArgumentException".equals(code) || "ValidationException".equals(code);
    String detail = "";
    if (!mayQuoteInput && e instanceof AwsServiceException s && s.awsErrorDetails() != null) {
      detail =
          s.awsErrorDetails().errorMessage() == null
              ? ""
              : ": " + s.awsErrorDetails().errorMessage();
    }
    String requestId =
        e instanceof AwsServiceException s ? " (request id " + s.requestId() + ")" : "";
    return new KinesisWriteException(
        stream.toString(),
        code,
        operation
            + " on stream "
            + stream
            + " failed with "
            + code
            + detail
            + requestId
            + "; "
            + hint(code)
            + "; no record after it is acknowledged",
        mayQuoteInput ? null : e,
        false);
  }

  private static String hint(String code) {
    if (code == null) {
      return "not retryable";
    }
    if (code.startsWith("KMS")) {
      return "the stream's KMS key cannot be used: check that it exists, is enabled and that the"
          + " writer may use it (kms:GenerateDataKey)";
    }
    return switch (code) {
      case "AccessDeniedException", "AccessDenied" ->
          "the writer lacks permission (kinesis:PutRecords, and kinesis:ListShards with"
              + " aggregation)";
      case "ResourceNotFoundException" -> "the stream does not exist in this account and region";
      case "InvalidArgumentException", "ValidationException" ->
          "the request is invalid (are the sink's size limits above the stream's?)";
      default -> "retrying cannot help";
    };
  }

  // ---- shard map --------------------------------------------------------------------------

  private void refreshShardMapIfNeeded() {
    long now = nowNanos();
    if (shardMap != null
        && !shardMapStale
        && now - shardMapListedAtNanos < config.shardMapMaxAge().toNanos()) {
      return;
    }
    shardMap = listShards();
    shardMapListedAtNanos = nowNanos();
    shardMapStale = false;
    LOG.debug("stream {} has {} open shards", stream, shardMap.size());
  }

  private ShardMap listShards() {
    for (int attempt = 1; ; attempt++) {
      try {
        List<Shard> shards = new ArrayList<>();
        String next = null;
        do {
          ListShardsRequest.Builder b = ListShardsRequest.builder();
          if (next == null) {
            stream.applyTo(b);
          } else {
            b.nextToken(next); // with a token, the stream must not be named again
          }
          if (!config.sdkRetries()) {
            b.overrideConfiguration(NO_SDK_RETRIES);
          }
          ListShardsResponse page = client.listShards(b.build());
          shards.addAll(page.shards());
          next = page.nextToken();
        } while (next != null);
        return ShardMap.of(shards);
      } catch (RuntimeException e) {
        KinesisErrors.Kind kind = KinesisErrors.of(e);
        String code = KinesisErrors.codeOf(e);
        if (kind != KinesisErrors.Kind.ABORTED && !policy.retries(e)) {
          throw fatal(code, e, "ListShards (needed for aggregation)");
        }
        if (kind == KinesisErrors.Kind.ABORTED || !policy.hasAttemptsLeft(attempt)) {
          throw new KinesisWriteException(
              stream.toString(),
              code,
              "ListShards on stream "
                  + stream
                  + " (needed for aggregation) failed "
                  + attempt
                  + " times, last with "
                  + code,
              e,
              true);
        }
        sleep(policy.backoff(attempt, e));
      }
    }
  }

  // ---- time -------------------------------------------------------------------------------

  private long nowNanos() {
    Instant t = clock.instant();
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  private void sleep(Duration d) {
    try {
      sleeper.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KinesisWriteException(
          stream.toString(),
          null,
          "interrupted while waiting to retry writes to stream "
              + stream
              + "; no record after it is acknowledged",
          e,
          true);
    }
  }

  private void publishMetrics() {
    if (metricsListener != null) {
      metricsListener.accept(metrics.snapshot());
    }
  }
}
