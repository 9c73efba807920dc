package io.cdckinesis.kinesis;

import io.cdckinesis.core.ConfigurationException;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link KinesisChangeSink} batches, aggregates, paces, overlaps calls and retries.
 * Immutable; build with {@link #builder()}, which starts from the defaults and validates at {@link
 * Builder#build()}.
 *
 * <p>The size limits default to the classic Kinesis ones (500 entries, 5 MiB per PutRecords
 * request, 1 MiB per record counting data plus partition key). Streams created with a larger
 * maximum record size can raise {@link Builder#maxRecordBytes} (and the request size with it).
 *
 * @param maxBatchRecords most entries in one PutRecords request (1..500)
 * @param maxRequestBytes most bytes in one request: data plus partition keys of every entry
 * @param maxRecordBytes most bytes in one Kinesis record: data plus partition key; a row larger
 *     than this goes through the payload store (claim check)
 * @param aggregation whether to pack many change records into one Kinesis record, in the KPL
 *     aggregated-record format
 * @param maxAggregateBytes most bytes in one aggregated Kinesis record (data plus partition key),
 *     well below {@code maxRecordBytes}: small aggregates pace finely and never wait long for room
 *     in a shard's second; a change record too large for one goes unaggregated
 * @param maxCallsInFlight most PutRecords calls in flight at once (1 sends one call at a time on
 *     the writing thread; more use the sink's own threads or the given executor)
 * @param callTimeout the longest one call may take (the SDK's {@code apiCallTimeout} on each
 *     request): a hung call fails and is retried; keep it shorter than a writer's lease margin
 * @param shardBytesPerSecond a shard's write limit in bytes (data plus partition keys) per second,
 *     which the sink paces each shard by
 * @param shardRecordsPerSecond a shard's write limit in records per second
 * @param maxAttempts attempts per entry (the first send included) before the sink gives up on a
 *     failure that is not throttling; throttling is retried until the sink's deadline
 * @param initialBackoff wait before the first retry of an entry
 * @param maxBackoff cap on the exponential wait between attempts (before jitter)
 * @param backoffMultiplier growth of the wait from one attempt to the next
 * @param jitter randomisation factor of the wait, in [0, 1): a wait w becomes a uniform random
 *     value in [w(1-jitter), w(1+jitter)]
 * @param maxBufferedRecords records waiting to be sent (not yet in a call) before {@code write}
 *     blocks until some are sent (the more it holds, the fuller its batches when a few keys are hot
 *     or a few shards are full)
 * @param maxBufferedBytes bytes waiting to be sent before {@code write} blocks
 * @param shardMapMaxAge how long the shard map (which paces each shard and groups aggregates) is
 *     trusted before it is listed again; it is also listed again as soon as a record lands in a
 *     shard other than predicted
 * @param sdkRetries whether the client's own retries stay on; off by default so that one layer,
 *     this sink's, counts attempts per entry (see docs/sink.md)
 */
public record KinesisSinkConfig(
    int maxBatchRecords,
    long maxRequestBytes,
    int maxRecordBytes,
    boolean aggregation,
    int maxAggregateBytes,
    int maxCallsInFlight,
    Duration callTimeout,
    long shardBytesPerSecond,
    int shardRecordsPerSecond,
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    double backoffMultiplier,
    double jitter,
    int maxBufferedRecords,
    long maxBufferedBytes,
    Duration shardMapMaxAge,
    boolean sdkRetries) {

  /** PutRecords accepts at most this many entries. */
  public static final int KINESIS_MAX_BATCH_RECORDS = 500;

  /** The classic request limit, 5 MiB. */
  public static final long DEFAULT_MAX_REQUEST_BYTES = 5L * 1024 * 1024;

  /** The classic record limit, 1 MiB (data plus partition key). */
  public static final int DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

  /** Below this a pointer envelope might not fit in a record. */
  static final int MIN_RECORD_BYTES = 4096;

  /**
   * The default cap of an aggregated record, 64 KiB: measured on the shard-limit simulator (see
   * docs/performance.md), near the KPL's 50 KiB default.
   */
  public static final int DEFAULT_MAX_AGGREGATE_BYTES = 64 * 1024;

  /** A shard's write limits: 1 MiB and 1,000 records per second. */
  public static final long SHARD_BYTES_PER_SECOND = 1024 * 1024;

  public static final int SHARD_RECORDS_PER_SECOND = 1000;

  private static final KinesisSinkConfig DEFAULTS = builder().build();

  public KinesisSinkConfig {
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    Objects.requireNonNull(shardMapMaxAge, "shardMapMaxAge");
    Objects.requireNonNull(callTimeout, "callTimeout");
    require(
        maxBatchRecords >= 1 && maxBatchRecords <= KINESIS_MAX_BATCH_RECORDS,
        "maxBatchRecords must be in 1.." + KINESIS_MAX_BATCH_RECORDS + ", got " + maxBatchRecords);
    require(
        maxRecordBytes >= MIN_RECORD_BYTES,
        "maxRecordBytes must be >= " + MIN_RECORD_BYTES + ", got " + maxRecordBytes);
    require(
        maxRequestBytes >= maxRecordBytes,
        "maxRequestBytes ("
            + maxRequestBytes
            + ") must be >= maxRecordBytes ("
            + maxRecordBytes
            + "), or a full-size record could never be sent");
    require(
        maxAggregateBytes >= MIN_RECORD_BYTES && maxAggregateBytes <= maxRecordBytes,
        "maxAggregateBytes must be in "
            + MIN_RECORD_BYTES
            + "..maxRecordBytes ("
            + maxRecordBytes
            + "), got "
            + maxAggregateBytes);
    require(
        maxCallsInFlight >= 1 && maxCallsInFlight <= 64,
        "maxCallsInFlight must be in 1..64, got " + maxCallsInFlight);
    require(callTimeout.toMillis() >= 1, "callTimeout must be >= 1 ms, got " + callTimeout);
    require(
        shardBytesPerSecond >= 1, "shardBytesPerSecond must be >= 1, got " + shardBytesPerSecond);
    require(
        shardRecordsPerSecond >= 1,
        "shardRecordsPerSecond must be >= 1, got " + shardRecordsPerSecond);
    require(maxAttempts >= 1, "maxAttempts must be >= 1, got " + maxAttempts);
    require(
        initialBackoff.toMillis() >= 1, "initialBackoff must be >= 1 ms, got " + initialBackoff);
    require(
        maxBackoff.compareTo(initialBackoff) >= 0,
        "maxBackoff (" + maxBackoff + ") must be >= initialBackoff (" + initialBackoff + ")");
    require(backoffMultiplier >= 1.0, "backoffMultiplier must be >= 1.0, got " + backoffMultiplier);
    require(jitter >= 0.0 && jitter < 1.0, "jitter must be in [0, 1), got " + jitter);
    require(maxBufferedRecords >= 1, "maxBufferedRecords must be >= 1, got " + maxBufferedRecords);
    require(
        maxBufferedBytes >= maxRecordBytes,
        "maxBufferedBytes ("
            + maxBufferedBytes
            + ") must be >= maxRecordBytes ("
            + maxRecordBytes
            + ")");
    require(
        !shardMapMaxAge.isNegative() && !shardMapMaxAge.isZero(),
        "shardMapMaxAge must be positive, got " + shardMapMaxAge);
  }

  /** The defaults. */
  public static KinesisSinkConfig defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    if (maxAggregateBytes != Math.min(DEFAULT_MAX_AGGREGATE_BYTES, maxRecordBytes)) {
      b.maxAggregateBytes(maxAggregateBytes); // else it follows maxRecordBytes as the default does
    }
    return b.maxBatchRecords(maxBatchRecords)
        .maxRequestBytes(maxRequestBytes)
        .maxRecordBytes(maxRecordBytes)
        .aggregation(aggregation)
        .maxCallsInFlight(maxCallsInFlight)
        .callTimeout(callTimeout)
        .shardBytesPerSecond(shardBytesPerSecond)
        .shardRecordsPerSecond(shardRecordsPerSecond)
        .maxAttempts(maxAttempts)
        .initialBackoff(initialBackoff)
        .maxBackoff(maxBackoff)
        .backoffMultiplier(backoffMultiplier)
        .jitter(jitter)
        .maxBufferedRecords(maxBufferedRecords)
        .maxBufferedBytes(maxBufferedBytes)
        .shardMapMaxAge(shardMapMaxAge)
        .sdkRetries(sdkRetries);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new ConfigurationException("invalid KinesisSinkConfig: " + message);
    }
  }

  /** Builds a {@link KinesisSinkConfig}; every setting starts at its default. */
  public static final class Builder {
    private int maxBatchRecords = KINESIS_MAX_BATCH_RECORDS;
    private long maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
    private int maxRecordBytes = DEFAULT_MAX_RECORD_BYTES;
    private boolean aggregation = false;
    private Integer maxAggregateBytes; // default: min(DEFAULT_MAX_AGGREGATE_BYTES, maxRecordBytes)
    private int maxCallsInFlight = 8;
    private Duration callTimeout = Duration.ofSeconds(10);
    private long shardBytesPerSecond = SHARD_BYTES_PER_SECOND;
    private int shardRecordsPerSecond = SHARD_RECORDS_PER_SECOND;
    private int maxAttempts = 10;
    private Duration initialBackoff = Duration.ofMillis(100);
    private Duration maxBackoff = Duration.ofSeconds(5);
    private double backoffMultiplier = 2.0;
    private double jitter = 0.5;
    private int maxBufferedRecords = 10_000;
    private long maxBufferedBytes = 2 * DEFAULT_MAX_REQUEST_BYTES;
    private Duration shardMapMaxAge = Duration.ofSeconds(60);
    private boolean sdkRetries = false;

    private Builder() {}

    /** Default 500, the Kinesis maximum. */
    public Builder maxBatchRecords(int maxBatchRecords) {
      this.maxBatchRecords = maxBatchRecords;
      return this;
    }

    /** Default 5 MiB. */
    public Builder maxRequestBytes(long maxRequestBytes) {
      this.maxRequestBytes = maxRequestBytes;
      return this;
    }

    /** Default 1 MiB; data plus partition key. */
    public Builder maxRecordBytes(int maxRecordBytes) {
      this.maxRecordBytes = maxRecordBytes;
      return this;
    }

    /** Default off. */
    public Builder aggregation(boolean aggregation) {
      this.aggregation = aggregation;
      return this;
    }

    /** Default 64 KiB (or {@code maxRecordBytes} when that is smaller). */
    public Builder maxAggregateBytes(int maxAggregateBytes) {
      this.maxAggregateBytes = maxAggregateBytes;
      return this;
    }

    /** Default 8. */
    public Builder maxCallsInFlight(int maxCallsInFlight) {
      this.maxCallsInFlight = maxCallsInFlight;
      return this;
    }

    /** Default 10 s. */
    public Builder callTimeout(Duration callTimeout) {
      this.callTimeout = callTimeout;
      return this;
    }

    /** Default 1 MiB, Kinesis's limit. */
    public Builder shardBytesPerSecond(long shardBytesPerSecond) {
      this.shardBytesPerSecond = shardBytesPerSecond;
      return this;
    }

    /** Default 1,000, Kinesis's limit. */
    public Builder shardRecordsPerSecond(int shardRecordsPerSecond) {
      this.shardRecordsPerSecond = shardRecordsPerSecond;
      return this;
    }

    /** Default 10; throttling does not count (it is retried until the sink's deadline). */
    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** Default 100 ms. */
    public Builder initialBackoff(Duration initialBackoff) {
      this.initialBackoff = initialBackoff;
      return this;
    }

    /** Default 5 s. */
    public Builder maxBackoff(Duration maxBackoff) {
      this.maxBackoff = maxBackoff;
      return this;
    }

    /** Default 2.0. */
    public Builder backoffMultiplier(double backoffMultiplier) {
      this.backoffMultiplier = backoffMultiplier;
      return this;
    }

    /** Default 0.5. */
    public Builder jitter(double jitter) {
      this.jitter = jitter;
      return this;
    }

    /** Default 10,000. */
    public Builder maxBufferedRecords(int maxBufferedRecords) {
      this.maxBufferedRecords = maxBufferedRecords;
      return this;
    }

    /** Default 10 MiB. */
    public Builder maxBufferedBytes(long maxBufferedBytes) {
      this.maxBufferedBytes = maxBufferedBytes;
      return this;
    }

    /** Default 60 s. */
    public Builder shardMapMaxAge(Duration shardMapMaxAge) {
      this.shardMapMaxAge = shardMapMaxAge;
      return this;
    }

    /** Default off: the sink's retries replace the client's (see docs/sink.md). */
    public Builder sdkRetries(boolean sdkRetries) {
      this.sdkRetries = sdkRetries;
      return this;
    }

    /**
     * @throws ConfigurationException when a setting is out of range
     */
    public KinesisSinkConfig build() {
      return new KinesisSinkConfig(
          maxBatchRecords,
          maxRequestBytes,
          maxRecordBytes,
          aggregation,
          maxAggregateBytes != null
              ? maxAggregateBytes
              : Math.min(DEFAULT_MAX_AGGREGATE_BYTES, maxRecordBytes),
          maxCallsInFlight,
          callTimeout,
          shardBytesPerSecond,
          shardRecordsPerSecond,
          maxAttempts,
          initialBackoff,
          maxBackoff,
          backoffMultiplier,
          jitter,
          maxBufferedRecords,
          maxBufferedBytes,
          shardMapMaxAge,
          sdkRetries);
    }
  }
}
