package io.cdckinesis.core.spi;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A batch of one shard's records, as {@link TableHandler#onBatchStart} and {@link
 * TableHandler#onBatchEnd} see it. New properties may be added; build instances with {@link
 * #builder()}.
 */
public final class BatchInput {

  private final String shardId;
  private final String firstSequenceNumber;
  private final int records;
  private final boolean failed;
  private final Supplier<Duration> remainingTime;

  private BatchInput(Builder b) {
    this.shardId = Objects.requireNonNull(b.shardId, "shardId");
    this.firstSequenceNumber = b.firstSequenceNumber;
    this.records = b.records;
    this.failed = b.failed;
    this.remainingTime = b.remainingTime;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The shard. */
  public String shardId() {
    return shardId;
  }

  /** The sequence number of the batch's first record, or null for an empty batch. */
  public String firstSequenceNumber() {
    return firstSequenceNumber;
  }

  /** How many stream records the batch holds (aggregates count once). */
  public int records() {
    return records;
  }

  /**
   * At batch end: whether a call to this handler failed in the batch, so the shard stopped there
   * (what the handler returned from normally before that must still be made durable). Always false
   * at batch start.
   */
  public boolean failed() {
    return failed;
  }

  /** Time left in this invocation ({@link ChangeInput#NO_LIMIT} when unlimited). */
  public Duration remainingTime() {
    Duration d = remainingTime.get();
    return d.isNegative() ? Duration.ZERO : d;
  }

  @Override
  public String toString() {
    return "BatchInput[shard "
        + shardId
        + ", "
        + records
        + " records from "
        + firstSequenceNumber
        + (failed ? ", failed" : "")
        + "]";
  }

  /** Builds a {@link BatchInput}. Required: shard id. */
  public static final class Builder {
    private String shardId;
    private String firstSequenceNumber;
    private int records;
    private boolean failed;
    private Supplier<Duration> remainingTime = () -> ChangeInput.NO_LIMIT;

    private Builder() {}

    public Builder shardId(String shardId) {
      this.shardId = shardId;
      return this;
    }

    public Builder firstSequenceNumber(String firstSequenceNumber) {
      this.firstSequenceNumber = firstSequenceNumber;
      return this;
    }

    public Builder records(int records) {
      this.records = records;
      return this;
    }

    public Builder failed(boolean failed) {
      this.failed = failed;
      return this;
    }

    public Builder remainingTime(Supplier<Duration> remainingTime) {
      this.remainingTime = Objects.requireNonNull(remainingTime, "remainingTime");
      return this;
    }

    public BatchInput build() {
      return new BatchInput(this);
    }
  }
}
