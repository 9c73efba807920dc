package io.cdckinesis.core;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Something that happened to a table as a whole rather than to one row: a truncate, a reload, a
 * drop, columns added or dropped. On the stream it is a {@code "record-type": "control"} envelope,
 * as the DMS Kinesis target writes them.
 *
 * <p>A control record that {@linkplain ControlOperation#resetsTable() resets the table} starts the
 * load generation in {@code source.generation()}: a consumer ends with only the rows of that
 * generation and later ones (every change of an older generation is superseded).
 *
 * @param operation what happened
 * @param table the table
 * @param source the file or folder that revealed it, with the generation it starts or belongs to
 * @param timestamp when the producer saw it (DMS writes no time for these), or {@code null}
 * @param reason why, in a few words (e.g. {@code reload}, {@code truncate}, {@code table folder
 *     deleted}); informational
 * @param columns the columns added or dropped; empty for the other operations
 */
public record ControlRecord(
    ControlOperation operation,
    TableId table,
    SourceFile source,
    Instant timestamp,
    String reason,
    List<String> columns) {

  public ControlRecord {
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(source, "source");
    columns = List.copyOf(columns);
  }

  /** The load generation the record starts (for resets) or belongs to. */
  public long generation() {
    return source.generation();
  }
}
