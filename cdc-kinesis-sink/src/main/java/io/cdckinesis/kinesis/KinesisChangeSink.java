package io.cdckinesis.kinesis;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.ConfigurationException;
import io.cdckinesis.core.ControlRecord;
import io.cdckinesis.core.EnvelopeCodec;
import io.cdckinesis.core.spi.ChangeSink;
import io.cdckinesis.core.spi.PayloadStore;
import io.cdckinesis.kinesis.internal.ControlBroadcast;
import io.cdckinesis.kinesis.internal.MonotonicClock;
import io.cdckinesis.kinesis.internal.SinkEngine;
import io.cdckinesis.kinesis.internal.StreamRef;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Writes change records to a Kinesis data stream with PutRecords, losing none and keeping the order
 * of each row's changes, at up to the stream's limits.
 *
 * <ul>
 *   <li>Records are keyed by table and primary key ({@link PartitionKeys}) and sent in batches
 *       bounded by {@link KinesisSinkConfig}'s count and byte limits, with several calls in flight
 *       ({@link KinesisSinkConfig#maxCallsInFlight()}).
 *   <li>A key never has two records in flight, and a later record of a key is never written before
 *       an earlier one that failed.
 *   <li>Each shard is paced: offered about its byte and record limits per second (from the shard
 *       map, listed with ListShards), adapted from throttling. Throttling is back-pressure, not
 *       failure: throttled entries go again, without limit, until the {@linkplain Builder#deadline
 *       deadline}.
 *   <li>Only the failed entries of a response are sent again; other service faults retry after a
 *       capped exponential backoff with jitter up to {@link KinesisSinkConfig#maxAttempts()};
 *       permission, KMS, missing-stream and invalid-request errors fail at once ({@link
 *       KinesisWriteException#isRetryable()} false).
 *   <li>With aggregation on, records are packed per target shard into KPL aggregated records (read
 *       them with the KCL or {@link KplDeaggregator}); records an aggregate carried into a shard
 *       that does not own their key (after a reshard) are sent again to their own shard.
 *   <li>A row too large for one record goes to the {@link PayloadStore}; the stream gets a pointer
 *       envelope.
 * </ul>
 *
 * <p>{@link #write} buffers and sends full batches as they form, blocking while the buffer is full
 * (back-pressure). {@link #flush} returns only when every record written before it is acknowledged
 * by Kinesis: that is the moment a caller may checkpoint. After the first failure that is not
 * retried further, the sink dispatches nothing more, waits for the calls in flight, and throws;
 * every later call throws too, and no record written after the failure point is reported as
 * written.
 *
 * <p>Not thread-safe: drive one sink from one thread (one per shard of work, e.g. one per Lambda
 * invocation); calls in flight run on the sink's own daemon threads (or the executor given) and
 * hand their answers back to that thread. The client is the caller's and is never closed by the
 * sink.
 */
public final class KinesisChangeSink implements ChangeSink {

  private final SinkEngine engine;
  private final ControlBroadcast controls;

  private KinesisChangeSink(SinkEngine engine, ControlBroadcast controls) {
    this.engine = engine;
    this.controls = controls;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Buffers a record, sending full batches as they form; blocks while the buffer is full.
   *
   * @throws KinesisWriteException when writing has failed for good (now or earlier)
   * @throws io.cdckinesis.core.StoreException when an oversize row cannot be stored
   * @throws io.cdckinesis.core.CdcException what the {@link WriteFence} threw
   */
  @Override
  public void write(ChangeRecord record) {
    Objects.requireNonNull(record, "record");
    engine.write(record);
  }

  /**
   * Writes a control record to every open shard, after everything written before it is
   * acknowledged: each shard's reader sees it between the records written before and after it.
   *
   * @throws KinesisWriteException when writing has failed for good
   */
  @Override
  public void writeControl(ControlRecord record) {
    Objects.requireNonNull(record, "record");
    engine.flush();
    controls.send(record);
  }

  /**
   * Sends everything buffered and waits until all of it is acknowledged.
   *
   * @throws KinesisWriteException when writing has failed for good (now or earlier), or the
   *     deadline came first
   * @throws io.cdckinesis.core.CdcException what the {@link WriteFence} threw
   */
  @Override
  public void flush() {
    engine.flush();
  }

  /**
   * Flushes and closes the sink. After a failure that was already thrown by {@link #write} or
   * {@link #flush}, it closes without flushing and without throwing again.
   */
  @Override
  public void close() {
    engine.close();
  }

  /** The counters so far. */
  public SinkMetrics metrics() {
    return engine.metrics();
  }

  /** Builds a {@link KinesisChangeSink}: a client and a stream name or ARN are required. */
  public static final class Builder {
    private KinesisClient client;
    private String streamName;
    private String streamArn;
    private EnvelopeCodec codec = EnvelopeCodec.create();
    private KinesisSinkConfig config = KinesisSinkConfig.defaults();
    private PayloadStore payloadStore;
    private Clock clock;
    private Sleeper sleeper = Sleeper.THREAD_SLEEP;
    private Consumer<SinkMetrics> metricsListener;
    private RandomGenerator random;
    private Executor executor;
    private WriteFence fence = WriteFence.NONE;
    private Supplier<Instant> deadline;
    private Duration timeBudget;

    private Builder() {}

    /** The client to write with; the sink never builds nor closes one. Required. */
    public Builder client(KinesisClient client) {
      this.client = client;
      return this;
    }

    /** The stream, by name (or give {@link #streamArn}). */
    public Builder streamName(String streamName) {
      this.streamName = streamName;
      return this;
    }

    /** The stream, by ARN (or give {@link #streamName}). */
    public Builder streamArn(String streamArn) {
      this.streamArn = streamArn;
      return this;
    }

    /** How records become bytes; default {@link EnvelopeCodec#create()}. */
    public Builder codec(EnvelopeCodec codec) {
      this.codec = Objects.requireNonNull(codec, "codec");
      return this;
    }

    /** Batching, aggregation and retry settings; default {@link KinesisSinkConfig#defaults()}. */
    public Builder config(KinesisSinkConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /** Where rows too large for one record go (claim check). Without one such rows fail. */
    public Builder payloadStore(PayloadStore payloadStore) {
      this.payloadStore = payloadStore;
      return this;
    }

    /**
     * The clock pacing, backoff and the deadline are measured with; for simulations. Default: a
     * monotonic clock.
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * How the sink waits for a shard's budget or a backoff while no call is in flight; for
     * simulations. Default: {@link Thread#sleep}. (While calls are in flight it waits for their
     * answers instead, in real time; a simulation in virtual time uses an inline executor, where no
     * call is ever in flight while the sink waits.)
     */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /** Called with the counters after every PutRecords answer (on the writing thread). */
    public Builder metricsListener(Consumer<SinkMetrics> metricsListener) {
      this.metricsListener = metricsListener;
      return this;
    }

    /** Where the backoff jitter comes from; for simulations. Default: an unseeded generator. */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * Runs the PutRecords calls. Default: the sink's own daemon threads, {@link
     * KinesisSinkConfig#maxCallsInFlight()} of them, ended by {@link #close()} (with one call in
     * flight, the writing thread itself). An executor given here is never shut down by the sink; an
     * inline one ({@code Runnable::run}) makes the sink send one call at a time, deterministically.
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Checked before each PutRecords call is dispatched; when it throws, the sink stops (see {@link
     * WriteFence}). Default: none.
     */
    public Builder fence(WriteFence fence) {
      this.fence = Objects.requireNonNull(fence, "fence");
      return this;
    }

    /**
     * When the sink gives up: while records are only throttled (the stream is at capacity) it keeps
     * sending until this instant, on the sink's clock, then fails retryably. Read whenever needed;
     * {@code null} from the supplier means no deadline. A Lambda passes the invocation's end minus
     * its time reserve. Default: none (throttling is waited out however long it lasts).
     */
    public Builder deadline(Supplier<Instant> deadline) {
      this.deadline = Objects.requireNonNull(deadline, "deadline");
      this.timeBudget = null;
      return this;
    }

    /** A deadline this long after {@link #build()}; see {@link #deadline(Supplier)}. */
    public Builder timeBudget(Duration budget) {
      this.timeBudget = Objects.requireNonNull(budget, "budget");
      this.deadline = null;
      return this;
    }

    /**
     * @throws ConfigurationException without a client, or without exactly one of stream name and
     *     ARN
     */
    public KinesisChangeSink build() {
      if (client == null) {
        throw new ConfigurationException("KinesisChangeSink needs a KinesisClient");
      }
      if ((streamName == null) == (streamArn == null)) {
        throw new ConfigurationException(
            "KinesisChangeSink needs exactly one of streamName and streamArn");
      }
      if ((streamName != null && streamName.isBlank())
          || (streamArn != null && streamArn.isBlank())) {
        throw new ConfigurationException("KinesisChangeSink's stream name or ARN is blank");
      }
      Clock c = clock == null ? new MonotonicClock() : clock;
      Supplier<Instant> due = deadline;
      if (timeBudget != null) {
        Instant at = c.instant().plus(timeBudget);
        due = () -> at;
      }
      StreamRef stream = new StreamRef(streamName, streamArn);
      return new KinesisChangeSink(
          new SinkEngine(
              client,
              stream,
              new SinkEngine.Parts(
                  codec,
                  config,
                  payloadStore,
                  c,
                  sleeper,
                  metricsListener,
                  random == null ? new SplittableRandom() : random,
                  executor,
                  fence,
                  due)),
          new ControlBroadcast(client, stream, codec, sleeper, config.maxAttempts()));
    }
  }
}
