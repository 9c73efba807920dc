package io.cdckinesis.core;

import java.util.Objects;

/** A table's schema and name, as DMS names its folders ({@code <schema>/<table>/}). */
public record TableId(String schema, String table) implements Comparable<TableId> {

  public TableId {
    requireName(schema, "schema");
    requireName(table, "table");
  }

  public static TableId of(String schema, String table) {
    return new TableId(schema, table);
  }

  /**
   * Parses {@code schema.table}; the first dot separates them, so table names may contain dots.
   *
   * @throws IllegalArgumentException without a dot
   */
  public static TableId parse(String qualifiedName) {
    int dot = qualifiedName.indexOf('.');
    if (dot <= 0 || dot == qualifiedName.length() - 1) {
      throw new IllegalArgumentException("expected <schema>.<table>, got: " + qualifiedName);
    }
    return new TableId(qualifiedName.substring(0, dot), qualifiedName.substring(dot + 1));
  }

  @Override
  public int compareTo(TableId other) {
    int c = schema.compareTo(other.schema);
    return c != 0 ? c : table.compareTo(other.table);
  }

  /** {@code schema.table}. */
  @Override
  public String toString() {
    return schema + "." + table;
  }

  private static void requireName(String value, String what) {
    Objects.requireNonNull(value, what);
    if (value.isEmpty()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
  }
}
