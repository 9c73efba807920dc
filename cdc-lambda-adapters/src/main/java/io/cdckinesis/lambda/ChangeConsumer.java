package io.cdckinesis.lambda;

import io.cdckinesis.core.CdcException;
import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.ConfigurationException;
import io.cdckinesis.core.Envelope;
import io.cdckinesis.core.EnvelopeCodec;
import io.cdckinesis.core.EnvelopeException;
import io.cdckinesis.core.PayloadPointer;
import io.cdckinesis.core.SourcePosition;
import io.cdckinesis.core.StoreException;
import io.cdckinesis.core.spi.PayloadStore;
import io.cdckinesis.kinesis.DeaggregatedRecord;
import io.cdckinesis.kinesis.KplDeaggregator;
import io.cdckinesis.kinesis.KplFormatException;
import io.cdckinesis.kinesis.PartitionKeys;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer side, independent of Lambda: turns stream records into change records (deaggregating
 * KPL aggregates, resolving oversize pointers), skips what was already applied, and dispatches the
 * rest to table handlers in order.
 *
 * <p>Per shard it stops at the first record it cannot finish and reports that record's sequence
 * number, so that the shard is retried from there and no later change of a key overtakes an earlier
 * one. A record that cannot be decoded at all, or whose handler fails for good (a non-retryable
 * exception, or {@code maxAttempts} attempts), goes to the dead-letter sink and the shard moves on:
 * one bad record never blocks a shard forever.
 *
 * <p>Not thread-safe: one batch at a time (Lambda calls a handler instance serially).
 */
public final class ChangeConsumer {

  private static final Logger LOG = LoggerFactory.getLogger(ChangeConsumer.class);

  private final TableHandlers handlers;
  private final AppliedPositionStore applied;
  private final DeadLetterSink deadLetters;
  private final PayloadStore payloads;
  private final EnvelopeCodec codec;
  private final int maxAttempts;

  /** {@code retries[n]}: a policy of n attempts; a change gets no more than its budget left. */
  private final Retry[] retries;

  private final Clock clock;

  /** Failed attempts per record across batches, for records that keep failing. */
  private final Map<String, Integer> failedAttempts;

  private ChangeConsumer(Builder b) {
    this.handlers = b.handlers;
    this.applied = b.applied;
    this.deadLetters = b.deadLetters;
    this.payloads = b.payloads;
    this.codec = b.codec;
    this.maxAttempts = b.maxAttempts;
    this.clock = b.clock;
    this.retries = new Retry[b.attemptsPerBatch + 1];
    for (int n = 1; n <= b.attemptsPerBatch; n++) {
      retries[n] =
          Retry.of(
              "table-handler-" + n,
              RetryConfig.custom()
                  .maxAttempts(n)
                  .intervalFunction(
                      IntervalFunction.ofExponentialRandomBackoff(b.retryBackoff, 2.0))
                  .retryOnException(ChangeConsumer::isRetryable)
                  .build());
    }
    this.failedAttempts =
        new LinkedHashMap<>(64, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
            return size() > 10_000;
          }
        };
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Processes a batch in order; see the class comment for what happens on failures. */
  public BatchResult process(List<StreamRecord> records) {
    Tally tally = new Tally();
    Set<String> stoppedShards = new HashSet<>();
    List<String> failed = new ArrayList<>();
    for (StreamRecord record : records) {
      if (stoppedShards.contains(record.shardId())) {
        continue; // redelivered from the failed record on
      }
      tally.records++;
      try {
        processRecord(record, tally);
      } catch (RecordNotDone e) {
        stoppedShards.add(record.shardId());
        failed.add(record.sequenceNumber());
        LOG.atWarn()
            .setMessage("stopping shard at a record that is not done; it will be retried")
            .addKeyValue("shard", record.shardId())
            .addKeyValue("sequenceNumber", record.sequenceNumber())
            .addKeyValue("reason", e.getMessage())
            .log();
      }
    }
    Duration age =
        tally.newest == null ? null : Duration.between(tally.newest, clock.instant()).abs();
    return new BatchResult(
        failed,
        tally.records,
        tally.changes,
        tally.applied,
        tally.duplicates,
        tally.retries,
        tally.deadLettered,
        age);
  }

  private void processRecord(StreamRecord record, Tally tally) {
    List<DeaggregatedRecord> users;
    try {
      users = KplDeaggregator.deaggregate(record.data(), null, null);
    } catch (KplFormatException e) {
      tally.changes++;
      deadLetter(
          record, 0, null, "corrupt aggregate: " + e.getMessage(), e, 0, record.data(), tally);
      return;
    }
    for (int sub = 0; sub < users.size(); sub++) {
      byte[] bytes = users.get(sub).data();
      tally.changes++;
      ChangeRecord change;
      try {
        change = decode(bytes);
      } catch (EnvelopeException | StoreException e) {
        if (e instanceof StoreException && e.isRetryable()) {
          throw new RecordNotDone("payload store unavailable: " + e.getMessage());
        }
        deadLetter(record, sub, null, "cannot decode: " + e.getMessage(), e, 0, bytes, tally);
        continue;
      }
      if (change.commitTimestamp() != null
          && (tally.newest == null || change.commitTimestamp().isAfter(tally.newest))) {
        tally.newest = change.commitTimestamp();
      }
      String key = PartitionKeys.of(change);
      if (applied.isApplied(key, change.position())) {
        tally.duplicates++;
        continue;
      }
      apply(record, sub, change, bytes, tally);
      applied.markApplied(key, change.position());
    }
  }

  private void apply(StreamRecord record, int sub, ChangeRecord change, byte[] bytes, Tally tally) {
    TableHandler handler = handlers.forTable(change.tableId());
    String attemptKey = record.shardId() + '/' + record.sequenceNumber() + '/' + sub;
    int[] attemptsNow = {0};
    int budget = maxAttempts - failedAttempts.getOrDefault(attemptKey, 0);
    try {
      Retry.decorateRunnable(
              retries[Math.max(1, Math.min(retries.length - 1, budget))],
              () -> {
                if (attemptsNow[0]++ > 0) {
                  tally.retries++;
                }
                handler.handle(change);
              })
          .run();
      tally.applied++;
      failedAttempts.remove(attemptKey);
    } catch (RuntimeException e) {
      int attempts = failedAttempts.merge(attemptKey, attemptsNow[0], Integer::sum);
      if (!isRetryable(e) || attempts >= maxAttempts) {
        failedAttempts.remove(attemptKey);
        String why =
            isRetryable(e)
                ? "handler failed " + attempts + " times"
                : "handler failed with a non-retryable error";
        deadLetter(record, sub, change.position(), why, e, attempts, bytes, tally);
        return;
      }
      throw new RecordNotDone(
          "handler for " + change.tableId() + " failed (" + e.getClass().getSimpleName() + ")");
    }
  }

  private ChangeRecord decode(byte[] bytes) {
    Envelope e = codec.decode(bytes);
    if (e instanceof Envelope.Data data) {
      return data.record();
    }
    Envelope.Pointer pointer = (Envelope.Pointer) e;
    if (payloads == null) {
      throw new StoreException(
          "oversize record at " + pointer.position() + " but no payload store is configured",
          null,
          false);
    }
    PayloadPointer p = pointer.payload();
    byte[] payload = payloads.get(p.uri());
    if (payload.length != p.size() || !sha256(payload).equals(p.sha256())) {
      throw new EnvelopeException(
          "oversize payload " + p.uri() + " does not match its pointer (size or SHA-256)");
    }
    ChangeRecord full = codec.decodeRecord(payload);
    if (!full.position().equals(pointer.position())) {
      throw new EnvelopeException("oversize payload " + p.uri() + " is for another position");
    }
    return full;
  }

  private void deadLetter(
      StreamRecord record,
      int sub,
      SourcePosition position,
      String reason,
      Exception cause,
      int attempts,
      byte[] bytes,
      Tally tally) {
    DeadLetter letter =
        new DeadLetter(
            record.shardId(),
            record.sequenceNumber(),
            sub,
            position,
            reason,
            cause.getClass().getName(),
            attempts,
            bytes,
            clock.instant());
    try {
      deadLetters.accept(letter);
    } catch (RuntimeException e) {
      throw new RecordNotDone("dead-letter sink failed: " + e.getClass().getSimpleName());
    }
    tally.deadLettered++;
    LOG.atError()
        .setMessage("record sent to the dead-letter sink")
        .addKeyValue("shard", record.shardId())
        .addKeyValue("sequenceNumber", record.sequenceNumber())
        .addKeyValue("subSequence", sub)
        .addKeyValue("source", position)
        .addKeyValue("reason", reason)
        .log();
  }

  static boolean isRetryable(Throwable e) {
    return !(e instanceof CdcException c) || c.isRetryable();
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final class Tally {
    int records;
    int changes;
    int applied;
    int duplicates;
    int retries;
    int deadLettered;
    Instant newest;
  }

  /** A record that must be retried later; stops its shard. */
  private static final class RecordNotDone extends RuntimeException {
    RecordNotDone(String message) {
      super(message, null, false, false);
    }
  }

  /** Builds a {@link ChangeConsumer}. Handlers and a dead-letter sink are required. */
  public static final class Builder {
    private TableHandlers handlers;
    private AppliedPositionStore applied = new InMemoryAppliedPositionStore();
    private DeadLetterSink deadLetters;
    private PayloadStore payloads;
    private EnvelopeCodec codec = EnvelopeCodec.create();
    private int maxAttempts = 10;
    private int attemptsPerBatch = 3;
    private Duration retryBackoff = Duration.ofMillis(100);
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    public Builder handlers(TableHandlers handlers) {
      this.handlers = handlers;
      return this;
    }

    public Builder appliedPositions(AppliedPositionStore store) {
      this.applied = Objects.requireNonNull(store, "store");
      return this;
    }

    public Builder deadLetters(DeadLetterSink sink) {
      this.deadLetters = sink;
      return this;
    }

    /** Where oversize records are fetched from; without it, pointers are dead-lettered. */
    public Builder payloadStore(PayloadStore store) {
      this.payloads = store;
      return this;
    }

    /** The codec, e.g. {@link EnvelopeCodec#withTables} to restore column types. */
    public Builder codec(EnvelopeCodec codec) {
      this.codec = Objects.requireNonNull(codec, "codec");
      return this;
    }

    /** Handler attempts for one change, across batches, before it is dead-lettered (default 10). */
    public Builder maxAttempts(int attempts) {
      this.maxAttempts = attempts;
      return this;
    }

    /** Handler attempts for one change within one batch, with backoff (default 3). */
    public Builder attemptsPerBatch(int attempts) {
      this.attemptsPerBatch = attempts;
      return this;
    }

    /** The first backoff between in-batch attempts, doubling with jitter (default 100 ms). */
    public Builder retryBackoff(Duration backoff) {
      this.retryBackoff = Objects.requireNonNull(backoff, "backoff");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public ChangeConsumer build() {
      if (handlers == null) {
        throw new ConfigurationException("ChangeConsumer needs TableHandlers");
      }
      if (deadLetters == null) {
        throw new ConfigurationException(
            "ChangeConsumer needs a DeadLetterSink, so that records given up are not lost");
      }
      if (maxAttempts < 1 || attemptsPerBatch < 1 || attemptsPerBatch > maxAttempts) {
        throw new ConfigurationException(
            "need 1 <= attemptsPerBatch ("
                + attemptsPerBatch
                + ") <= maxAttempts ("
                + maxAttempts
                + ")");
      }
      return new ChangeConsumer(this);
    }
  }
}
