package io.cdckinesis.core.spi;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.SourcePosition;
import io.cdckinesis.core.TableId;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One change handed to a {@link TableHandler}, with where it came from on the stream. New
 * properties may be added; build instances with {@link #builder()} (tests do too).
 */
public final class ChangeInput {

  /** What {@link #remainingTime()} answers when the caller set no time limit. */
  public static final Duration NO_LIMIT = Duration.ofMillis(Long.MAX_VALUE);

  private final ChangeRecord record;
  private final String rowKey;
  private final String shardId;
  private final String sequenceNumber;
  private final long subSequenceNumber;
  private final int attempt;
  private final Supplier<Duration> remainingTime;

  private ChangeInput(Builder b) {
    this.record = Objects.requireNonNull(b.record, "record");
    this.rowKey = Objects.requireNonNull(b.rowKey, "rowKey");
    this.shardId = Objects.requireNonNull(b.shardId, "shardId");
    this.sequenceNumber = Objects.requireNonNull(b.sequenceNumber, "sequenceNumber");
    this.subSequenceNumber = b.subSequenceNumber;
    this.attempt = b.attempt;
    this.remainingTime = b.remainingTime;
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be >= 1, got " + attempt);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The change. */
  public ChangeRecord record() {
    return record;
  }

  /** The change's table. */
  public TableId table() {
    return record.tableId();
  }

  /**
   * The row's key: table and primary-key values, escaped (the stream's partition key, e.g. {@code
   * dbo.Customer|7}); the key under which a handler that {@linkplain KeepsPositions keeps
   * positions} stores the row's position. The table alone when the key is unknown.
   */
  public String rowKey() {
    return rowKey;
  }

  /** The values of the primary-key columns, in key order; empty when the key is unknown. */
  public List<Object> keyValues() {
    return record.keyValues();
  }

  /** Where the change is in the DMS output; orders one row's changes. */
  public SourcePosition position() {
    return record.position();
  }

  /** The table's load generation the change belongs to. */
  public long generation() {
    return record.position().generation();
  }

  /** The shard the change was read from. */
  public String shardId() {
    return shardId;
  }

  /** The Kinesis sequence number of the record that carried the change. */
  public String sequenceNumber() {
    return sequenceNumber;
  }

  /** The change's index inside an aggregated record; 0 when not aggregated. */
  public long subSequenceNumber() {
    return subSequenceNumber;
  }

  /**
   * Which attempt this is at the change, from 1, counted in this process (a new Lambda container
   * starts again at 1).
   */
  public int attempt() {
    return attempt;
  }

  /** Time left in this invocation ({@link #NO_LIMIT} when there is no limit); never negative. */
  public Duration remainingTime() {
    Duration d = remainingTime.get();
    return d.isNegative() ? Duration.ZERO : d;
  }

  @Override
  public String toString() {
    return "ChangeInput["
        + record.operation().wireName()
        + " "
        + record.tableId()
        + " at "
        + record.position()
        + ", shard "
        + shardId
        + ", sequence "
        + sequenceNumber
        + "/"
        + subSequenceNumber
        + ", attempt "
        + attempt
        + "]";
  }

  /** Builds a {@link ChangeInput}. Required: record and row key. */
  public static final class Builder {
    private ChangeRecord record;
    private String rowKey;
    private String shardId = "local";
    private String sequenceNumber = "0";
    private long subSequenceNumber;
    private int attempt = 1;
    private Supplier<Duration> remainingTime = () -> NO_LIMIT;

    private Builder() {}

    public Builder record(ChangeRecord record) {
      this.record = record;
      return this;
    }

    public Builder rowKey(String rowKey) {
      this.rowKey = rowKey;
      return this;
    }

    public Builder shardId(String shardId) {
      this.shardId = shardId;
      return this;
    }

    public Builder sequenceNumber(String sequenceNumber) {
      this.sequenceNumber = sequenceNumber;
      return this;
    }

    public Builder subSequenceNumber(long subSequenceNumber) {
      this.subSequenceNumber = subSequenceNumber;
      return this;
    }

    public Builder attempt(int attempt) {
      this.attempt = attempt;
      return this;
    }

    /** Asked each time {@link ChangeInput#remainingTime()} is called. */
    public Builder remainingTime(Supplier<Duration> remainingTime) {
      this.remainingTime = Objects.requireNonNull(remainingTime, "remainingTime");
      return this;
    }

    public ChangeInput build() {
      return new ChangeInput(this);
    }
  }
}
