package io.cdckinesis.core;

import java.util.Locale;

/**
 * What happened to a row. Full-load rows are {@link #LOAD} even when DMS wrote {@code I} for them
 * ({@code IncludeOpForFullLoad=true}), so consumers can tell a snapshot from a live insert.
 */
public enum Operation {
  LOAD,
  INSERT,
  UPDATE,
  DELETE;

  private final String wireName = name().toLowerCase(Locale.ROOT);

  /** The name used in the stream envelope ({@code load}, {@code insert}, ...), as DMS writes it. */
  public String wireName() {
    return wireName;
  }

  /**
   * The operation for an envelope's {@code operation} field.
   *
   * @throws IllegalArgumentException if the name is none of load, insert, update, delete
   */
  public static Operation fromWireName(String name) {
    for (Operation op : values()) {
      if (op.wireName.equalsIgnoreCase(name)) {
        return op;
      }
    }
    throw new IllegalArgumentException("unknown operation: " + name);
  }
}
