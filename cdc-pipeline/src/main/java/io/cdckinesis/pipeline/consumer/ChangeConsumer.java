package io.cdckinesis.pipeline.consumer;

import io.cdckinesis.core.ConfigurationException;
import io.cdckinesis.core.EnvelopeCodec;
import io.cdckinesis.core.spi.AppliedPositionStore;
import io.cdckinesis.core.spi.ChangeInput;
import io.cdckinesis.core.spi.DeadLetter;
import io.cdckinesis.core.spi.DeadLetterSink;
import io.cdckinesis.core.spi.PayloadStore;
import io.cdckinesis.core.spi.ShardRanges;
import io.cdckinesis.core.spi.TableHandlers;
import io.cdckinesis.kinesis.Sleeper;
import io.cdckinesis.pipeline.consumer.internal.Attempts;
import io.cdckinesis.pipeline.consumer.internal.ConsumerParts;
import io.cdckinesis.pipeline.consumer.internal.Decoder;
import io.cdckinesis.pipeline.consumer.internal.ShardBatch;
import io.cdckinesis.pipeline.consumer.internal.Tally;
import io.github.resilience4j.core.IntervalFunction;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.MDC;

/**
 * The consumer, independent of Lambda: turns stream records into changes (opening KPL aggregates,
 * dropping their sub-records that belong to another shard, resolving oversize pointers), fences
 * them by the table's load generation and the row's applied position, and hands the rest to the
 * table handlers in order.
 *
 * <p>Per shard it stops at the first record it cannot finish and reports that record's sequence
 * number, so that the shard is retried from there and no later change of a row overtakes it:
 *
 * <ul>
 *   <li>A handler failure that may pass (any exception but a {@link
 *       io.cdckinesis.core.CdcException} that is not retryable) is retried {@code
 *       attemptsPerInvocation} times with backoff, then the shard stops there; Lambda retries it
 *       for as long as the event source mapping allows. It is never dead-lettered for failing
 *       often.
 *   <li>A permanent failure (a non-retryable {@code CdcException}, a record that cannot be decoded)
 *       goes to the dead-letter sink at once and the shard moves on. The change is not recorded as
 *       applied: {@link #redrive} can apply it later if its row has nothing newer.
 *   <li>A change's position is recorded right after its handler returns, so a process killed
 *       between two changes never applies one twice on redelivery (with a durable store).
 * </ul>
 *
 * <p>Not thread-safe: one batch at a time (Lambda calls a function instance serially).
 */
public final class ChangeConsumer {

  private final ConsumerParts parts;

  private ChangeConsumer(Builder b) {
    this.parts =
        new ConsumerParts(
            b.handlers,
            b.positions,
            b.deadLetters,
            new Decoder(b.codec, b.payloads),
            b.shardRanges,
            b.attemptsPerInvocation,
            IntervalFunction.ofExponentialRandomBackoff(b.retryBackoff, 2.0),
            b.sleeper,
            b.clock,
            new Attempts());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Processes a batch without a time limit. */
  public BatchResult process(List<StreamRecord> records) {
    return process(records, () -> ChangeInput.NO_LIMIT);
  }

  /**
   * Processes a batch in order, shard by shard; see the class comment for what happens on failures.
   *
   * @param remainingTime the time left in the invocation (Lambda's {@code
   *     getRemainingTimeInMillis}); retries do not wait past it
   */
  public BatchResult process(List<StreamRecord> records, Supplier<Duration> remainingTime) {
    Map<String, List<StreamRecord>> byShard = new LinkedHashMap<>();
    for (StreamRecord r : records) {
      byShard.computeIfAbsent(r.shardId(), s -> new ArrayList<>()).add(r);
    }
    Tally tally = new Tally();
    for (Map.Entry<String, List<StreamRecord>> shard : byShard.entrySet()) {
      try (MDC.MDCCloseable ignored = MDC.putCloseable("shard", shard.getKey())) {
        new ShardBatch(parts, shard.getKey(), shard.getValue(), remainingTime, tally, false).run();
      }
    }
    return tally.result(parts.clock());
  }

  /**
   * Applies a dead letter again, as if it were delivered now: skipped when its table was reset
   * since or its row already has this change or a later one, else handed to its handler (with the
   * in-invocation retries) and recorded as applied. Nothing is dead-lettered again.
   */
  public RedriveOutcome redrive(DeadLetter letter) {
    Objects.requireNonNull(letter, "letter");
    StreamRecord record =
        new StreamRecord(letter.shardId(), letter.sequenceNumber(), letter.data(), null);
    try (MDC.MDCCloseable ignored = MDC.putCloseable("shard", letter.shardId())) {
      ShardBatch batch =
          new ShardBatch(
              parts,
              letter.shardId(),
              List.of(record),
              () -> ChangeInput.NO_LIMIT,
              new Tally(),
              true);
      batch.run();
      return batch.outcome();
    }
  }

  /** Builds a {@link ChangeConsumer}. Handlers and a dead-letter sink are required. */
  public static final class Builder {
    private TableHandlers handlers;
    private AppliedPositionStore positions = new InMemoryAppliedPositionStore();
    private DeadLetterSink deadLetters;
    private PayloadStore payloads;
    private EnvelopeCodec codec = EnvelopeCodec.create();
    private ShardRanges shardRanges = ShardRanges.UNKNOWN;
    private int attemptsPerInvocation = 3;
    private Duration retryBackoff = Duration.ofMillis(100);
    private Sleeper sleeper = Sleeper.THREAD_SLEEP;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    public Builder handlers(TableHandlers handlers) {
      this.handlers = handlers;
      return this;
    }

    /**
     * Where applied positions and table generations are kept. Default: in memory, a
     * single-container convenience ({@link InMemoryAppliedPositionStore}); use a durable store for
     * an exactly-once effect across containers. Not used for handlers that keep positions.
     */
    public Builder appliedPositions(AppliedPositionStore store) {
      this.positions = Objects.requireNonNull(store, "store");
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

    /**
     * Shards' hash key ranges, to drop aggregated sub-records that belong to another shard
     * (default: none known, nothing dropped). In Lambda: {@link KinesisShardRanges}.
     */
    public Builder shardRanges(ShardRanges ranges) {
      this.shardRanges = Objects.requireNonNull(ranges, "ranges");
      return this;
    }

    /**
     * Handler attempts at one change within one invocation, with backoff (default 3); after them
     * the shard stops at the change and Lambda retries it in a later invocation.
     */
    public Builder attemptsPerInvocation(int attempts) {
      this.attemptsPerInvocation = attempts;
      return this;
    }

    /**
     * The first backoff between attempts in an invocation, doubling with jitter (default 100 ms).
     */
    public Builder retryBackoff(Duration backoff) {
      this.retryBackoff = Objects.requireNonNull(backoff, "backoff");
      return this;
    }

    /** How backoffs wait (tests pass a virtual one). */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
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
      if (attemptsPerInvocation < 1 || attemptsPerInvocation > 100) {
        throw new ConfigurationException(
            "attemptsPerInvocation must be between 1 and 100, got " + attemptsPerInvocation);
      }
      if (retryBackoff.isNegative() || retryBackoff.isZero()) {
        throw new ConfigurationException("retryBackoff must be positive");
      }
      return new ChangeConsumer(this);
    }
  }
}
