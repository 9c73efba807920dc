package io.cdckinesis.core.spi;

import io.cdckinesis.core.ControlOperation;
import io.cdckinesis.core.ControlRecord;
import io.cdckinesis.core.TableId;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Columns added or dropped at the source, handed to {@link TableHandler#onSchemaChange}. New
 * properties may be added; build instances with {@link #builder()}.
 */
public final class SchemaChangeInput {

  private final ControlRecord control;
  private final String shardId;
  private final String sequenceNumber;
  private final Supplier<Duration> remainingTime;

  private SchemaChangeInput(Builder b) {
    this.control = Objects.requireNonNull(b.control, "control");
    this.shardId = Objects.requireNonNull(b.shardId, "shardId");
    this.sequenceNumber = Objects.requireNonNull(b.sequenceNumber, "sequenceNumber");
    this.remainingTime = b.remainingTime;
    if (control.operation().resetsTable()) {
      throw new IllegalArgumentException(control.operation() + " is not a column change");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public TableId table() {
    return control.table();
  }

  /** {@code ADD_COLUMN} or {@code DROP_COLUMN}. */
  public ControlOperation operation() {
    return control.operation();
  }

  /** The columns added or dropped. */
  public List<String> columns() {
    return control.columns();
  }

  /** The table's load generation the change belongs to. */
  public long generation() {
    return control.generation();
  }

  /** The control record itself (the file that revealed the change, the reason). */
  public ControlRecord control() {
    return control;
  }

  /** The shard the control record was read from. */
  public String shardId() {
    return shardId;
  }

  /** Its Kinesis sequence number. */
  public String sequenceNumber() {
    return sequenceNumber;
  }

  /** Time left in this invocation ({@link ChangeInput#NO_LIMIT} when unlimited). */
  public Duration remainingTime() {
    Duration d = remainingTime.get();
    return d.isNegative() ? Duration.ZERO : d;
  }

  @Override
  public String toString() {
    return "SchemaChangeInput["
        + control.operation().wireName()
        + " "
        + control.columns()
        + " on "
        + control.table()
        + ", shard "
        + shardId
        + "]";
  }

  /** Builds a {@link SchemaChangeInput}. Required: the control record. */
  public static final class Builder {
    private ControlRecord control;
    private String shardId = "local";
    private String sequenceNumber = "0";
    private Supplier<Duration> remainingTime = () -> ChangeInput.NO_LIMIT;

    private Builder() {}

    public Builder control(ControlRecord control) {
      this.control = control;
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

    public Builder remainingTime(Supplier<Duration> remainingTime) {
      this.remainingTime = Objects.requireNonNull(remainingTime, "remainingTime");
      return this;
    }

    public SchemaChangeInput build() {
      return new SchemaChangeInput(this);
    }
  }
}
