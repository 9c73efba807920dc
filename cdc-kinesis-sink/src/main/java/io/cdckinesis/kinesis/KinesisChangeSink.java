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
import java.util.Objects;
import java.util.function.Consumer;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Writes change records to a Kinesis data stream with PutRecords, losing none and keeping the order
 * of each row's changes.
 *
 * <ul>
 *   <li>Records are keyed by table and primary key ({@link PartitionKeys}) and sent in batches
 *       bounded by {@link KinesisSinkConfig}'s count and byte limits.
 *   <li>Only the failed entries of a response are sent again, after a capped exponential backoff
 *       with jitter; throttling and service faults retry, permission, KMS, missing-stream and
 *       invalid-request errors fail at once ({@link KinesisWriteException#isRetryable()} false).
 *   <li>A later record of a key is never written before an earlier one that failed: a key has at
 *       most one entry in flight.
 *   <li>With aggregation on, records are packed per target shard into KPL aggregated records (read
 *       them with the KCL or {@link KplDeaggregator}).
 *   <li>A row too large for one record goes to the {@link PayloadStore}; the stream gets a pointer
 *       envelope.
 * </ul>
 *
 * <p>{@link #write} buffers and sends a batch whenever the buffer is full, so it may block
 * (back-pressure). {@link #flush} returns only when every record written before it is acknowledged
 * by Kinesis: that is the moment a caller may checkpoint. After the first failure that is not
 * retried further, the sink accepts nothing more: every later call throws, and no record written
 * after the failure point is reported as written.
 *
 * <p>Not thread-safe: drive one sink from one thread (one per shard of work, e.g. one per Lambda
 * invocation). The client is the caller's and is never closed by the sink.
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
   * Buffers a record, sending full batches as the buffer fills.
   *
   * @throws KinesisWriteException when writing has failed for good (now or earlier)
   * @throws io.cdckinesis.core.StoreException when an oversize row cannot be stored
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
   * @throws KinesisWriteException when writing has failed for good (now or earlier)
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

    /** The clock backoff deadlines are measured with; for tests. Default: a monotonic clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** How the sink waits between attempts; for tests. Default: {@link Thread#sleep}. */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /** Called with the counters after every PutRecords call (on the writing thread). */
    public Builder metricsListener(Consumer<SinkMetrics> metricsListener) {
      this.metricsListener = metricsListener;
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
      StreamRef stream = new StreamRef(streamName, streamArn);
      return new KinesisChangeSink(
          new SinkEngine(
              client,
              stream,
              codec,
              config,
              payloadStore,
              clock == null ? new MonotonicClock() : clock,
              sleeper,
              metricsListener),
          new ControlBroadcast(client, stream, codec, sleeper, config.maxAttempts()));
    }
  }
}
