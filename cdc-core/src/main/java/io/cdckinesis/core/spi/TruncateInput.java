package io.cdckinesis.core.spi;

import io.cdckinesis.core.ControlOperation;
import io.cdckinesis.core.ControlRecord;
import io.cdckinesis.core.TableId;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A table restarts empty at a new load generation: truncated, dropped or reloaded at the source.
 * Handed to {@link TableHandler#onTruncate}. New properties may be added; build instances with
 * {@link #builder()}.
 */
public final class TruncateInput {

  private final TableId table;
  private final long generation;
  private final long previousGeneration;
  private final ControlRecord control;
  private final boolean repeated;
  private final String shardId;
  private final String sequenceNumber;
  private final Supplier<Duration> remainingTime;

  private TruncateInput(Builder b) {
    this.table = Objects.requireNonNull(b.table, "table");
    this.generation = b.generation;
    this.previousGeneration = b.previousGeneration;
    this.control = b.control;
    this.repeated = b.repeated;
    this.shardId = Objects.requireNonNull(b.shardId, "shardId");
    this.sequenceNumber = Objects.requireNonNull(b.sequenceNumber, "sequenceNumber");
    this.remainingTime = b.remainingTime;
    if (control != null && !control.operation().resetsTable()) {
      throw new IllegalArgumentException(control.operation() + " does not reset a table");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public TableId table() {
    return table;
  }

  /** The generation the table restarts at: keep only rows of this generation and newer ones. */
  public long generation() {
    return generation;
  }

  /** The table's generation as the consumer knew it before (0 when none). */
  public long previousGeneration() {
    return previousGeneration;
  }

  /**
   * The control record that announced the reset; empty when a record of a newer generation arrived
   * without one (a reload).
   */
  public Optional<ControlRecord> control() {
    return Optional.ofNullable(control);
  }

  /** What happened: {@code TRUNCATE_TABLE} or {@code DROP_TABLE}; a reload counts as a truncate. */
  public ControlOperation operation() {
    return control == null ? ControlOperation.TRUNCATE_TABLE : control.operation();
  }

  /** Why, in a few words ({@code truncate}, {@code reload}, {@code table folder deleted}...). */
  public String reason() {
    if (control != null && control.reason() != null) {
      return control.reason();
    }
    return control == null ? "reload" : control.operation().wireName();
  }

  /**
   * Whether the table was already at this generation: another shard's copy of the reset, or a
   * redelivery. Remove rows of older generations again all the same.
   */
  public boolean repeated() {
    return repeated;
  }

  /** The shard whose record caused the call. */
  public String shardId() {
    return shardId;
  }

  /** The Kinesis sequence number of that record. */
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
    return "TruncateInput["
        + table
        + " generation "
        + previousGeneration
        + " -> "
        + generation
        + " ("
        + reason()
        + (repeated ? ", repeated" : "")
        + "), shard "
        + shardId
        + "]";
  }

  /** Builds a {@link TruncateInput}. Required: table. */
  public static final class Builder {
    private TableId table;
    private long generation;
    private long previousGeneration;
    private ControlRecord control;
    private boolean repeated;
    private String shardId = "local";
    private String sequenceNumber = "0";
    private Supplier<Duration> remainingTime = () -> ChangeInput.NO_LIMIT;

    private Builder() {}

    public Builder table(TableId table) {
      this.table = table;
      return this;
    }

    public Builder generation(long generation) {
      this.generation = generation;
      return this;
    }

    public Builder previousGeneration(long previousGeneration) {
      this.previousGeneration = previousGeneration;
      return this;
    }

    public Builder control(ControlRecord control) {
      this.control = control;
      return this;
    }

    public Builder repeated(boolean repeated) {
      this.repeated = repeated;
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

    public TruncateInput build() {
      return new TruncateInput(this);
    }
  }
}
