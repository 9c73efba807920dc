package io.cdckinesis.kinesis;

import io.cdckinesis.core.ConfigurationException;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link KinesisChangeSink} batches, aggregates and retries. Immutable; build with {@link
 * #builder()}, which starts from the defaults and validates at {@link Builder#build()}.
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
 * @param maxAttempts attempts per entry (the first send included) before the sink gives up
 * @param initialBackoff wait before the first retry of an entry
 * @param maxBackoff cap on the exponential wait between attempts (before jitter)
 * @param backoffMultiplier growth of the wait from one attempt to the next
 * @param jitter randomisation factor of the wait, in [0, 1): a wait w becomes a uniform random
 *     value in [w(1-jitter), w(1+jitter)]
 * @param maxBufferedRecords records the sink holds before {@code write} sends (the more it holds,
 *     the fuller its batches when a few keys are hot)
 * @param maxBufferedBytes bytes the sink holds before {@code write} sends
 * @param shardMapMaxAge how long the shard map used for aggregation is trusted before it is listed
 *     again (it is also listed again as soon as a record lands in a shard other than predicted)
 * @param sdkRetries whether the client's own retries stay on; off by default so that one layer,
 *     this sink's, counts attempts per entry (see docs/sink.md)
 */
public record KinesisSinkConfig(
    int maxBatchRecords,
    long maxRequestBytes,
    int maxRecordBytes,
    boolean aggregation,
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

  private static final KinesisSinkConfig DEFAULTS = builder().build();

  public KinesisSinkConfig {
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    Objects.requireNonNull(shardMapMaxAge, "shardMapMaxAge");
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
    return new Builder()
        .maxBatchRecords(maxBatchRecords)
        .maxRequestBytes(maxRequestBytes)
        .maxRecordBytes(maxRecordBytes)
        .aggregation(aggregation)
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

    /** Default 10. */
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
