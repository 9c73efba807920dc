package io.cdckinesis.core;

import java.util.Locale;

/**
 * What a control record says happened to a table, named as the DMS Kinesis target names its control
 * operations.
 */
public enum ControlOperation {
  /**
   * The table restarts empty at a new load generation: a truncate at the source, or a reload (a
   * task restarted with full load, a table reloaded), whose rows follow in that generation.
   */
  TRUNCATE_TABLE,
  /**
   * The table was dropped at the source: it restarts empty at a new generation, like a truncate.
   */
  DROP_TABLE,
  /** Columns were added ({@link ControlRecord#columns()} names them). */
  ADD_COLUMN,
  /** Columns were dropped ({@link ControlRecord#columns()} names them). */
  DROP_COLUMN;

  /** The name on the wire, e.g. {@code truncate-table}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * The operation for a wire name.
   *
   * @throws IllegalArgumentException for a name that is none of them
   */
  public static ControlOperation fromWireName(String name) {
    for (ControlOperation op : values()) {
      if (op.wireName().equals(name)) {
        return op;
      }
    }
    throw new IllegalArgumentException("unknown control operation: " + name);
  }

  /** Whether the table restarts empty at the record's generation. */
  public boolean resetsTable() {
    return this == TRUNCATE_TABLE || this == DROP_TABLE;
  }
}
