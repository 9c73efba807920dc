package io.cdckinesis.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What is known about a table: its column names in DMS output order (empty when the CSV header
 * supplies them), optional column types, the primary key, and for files without a header the column
 * lists that replaced the first one after column changes at the source.
 *
 * <p>Column names come from the CSV header when DMS wrote one ({@code AddColumnName=true}): the
 * header of each file wins, and this definition then only supplies the key and, optionally, types.
 * Without a header they must be listed here, in the table's column order.
 *
 * @param columns the columns of full-load files and of change files before the first column
 *     version; empty when every file has a header
 * @param columnVersions for files without a header: the columns of change files from a time on,
 *     after an {@code ALTER TABLE ... ADD/DROP COLUMN} at the source; in time order
 */
public record TableDefinition(
    TableId id,
    List<String> columns,
    Map<String, ColumnType> types,
    List<String> primaryKey,
    List<ColumnVersion> columnVersions) {

  /**
   * The columns of a table's change files from one file on (files without a header).
   *
   * @param from the first change file with these columns: its name or its time ({@code
   *     20240301-120000000}, as in {@code 20240301-120000000.csv}); later files keep them until the
   *     next version
   * @param columns the columns in DMS output order
   */
  public record ColumnVersion(DmsFileName from, List<String> columns) {

    public ColumnVersion {
      Objects.requireNonNull(from, "from");
      columns = List.copyOf(columns);
      if (!from.kind().isChange()) {
        throw new IllegalArgumentException(
            "a column version starts at a change file, not at " + from.name());
      }
      if (columns.isEmpty()) {
        throw new IllegalArgumentException("column version from " + from.name() + " is empty");
      }
    }

    /**
     * A version from a change file's time or name ({@code 20240301-120000000} or {@code
     * 20240301-120000000.csv}).
     *
     * @throws IllegalArgumentException when {@code from} is neither
     */
    public static ColumnVersion of(String from, List<String> columns) {
      String name = from.endsWith(".csv") || from.endsWith(".csv.gz") ? from : from + ".csv";
      DmsFileName file =
          DmsFileName.parse(name)
              .filter(f -> f.kind().isChange())
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "column version \"from\" must be a change file time like"
                              + " 20240301-120000000, got "
                              + from));
      return new ColumnVersion(file, columns);
    }

    /** Whether this version holds for a file (it is this version's file or a later one). */
    boolean holdsFor(DmsFileName file) {
      return file.kind().isChange() && file.compareTo(from) >= 0;
    }
  }

  public TableDefinition {
    Objects.requireNonNull(id, "id");
    columns = List.copyOf(columns);
    types = Collections.unmodifiableMap(new LinkedHashMap<>(types));
    primaryKey = List.copyOf(primaryKey);
    columnVersions = List.copyOf(columnVersions);
    requireUnique(columns, id, "");
    requireKey(columns, primaryKey, id);
    if (!columnVersions.isEmpty() && columns.isEmpty()) {
      throw new IllegalArgumentException(
          id + ": column versions need columns (those of the files before the first version)");
    }
    for (int i = 0; i < columnVersions.size(); i++) {
      ColumnVersion v = columnVersions.get(i);
      if (i > 0 && v.from().compareTo(columnVersions.get(i - 1).from()) <= 0) {
        throw new IllegalArgumentException(
            id + ": column versions must be in time order (" + v.from().name() + ")");
      }
      requireUnique(v.columns(), id, " from " + v.from().name());
      requireKey(v.columns(), primaryKey, id);
    }
  }

  /** A definition without column versions. */
  public TableDefinition(
      TableId id, List<String> columns, Map<String, ColumnType> types, List<String> primaryKey) {
    this(id, columns, types, primaryKey, List.of());
  }

  public static Builder builder(TableId id) {
    return new Builder(id);
  }

  public static Builder builder(String schema, String table) {
    return new Builder(TableId.of(schema, table));
  }

  /** The type of a column; {@link ColumnType#STRING} when none is configured. */
  public ColumnType typeOf(String column) {
    return types.getOrDefault(column, ColumnType.STRING);
  }

  /** Whether the column names are known without a header. */
  public boolean hasColumns() {
    return !columns.isEmpty();
  }

  /**
   * The configured columns of a file without a header: those of the last column version that holds
   * for it, else {@link #columns()} (always for full-load files).
   */
  public List<String> columnsFor(DmsFileName file) {
    List<String> out = columns;
    for (ColumnVersion v : columnVersions) {
      if (v.holdsFor(file)) {
        out = v.columns();
      }
    }
    return out;
  }

  /** A copy with the given columns (from a CSV header), keeping types and key. */
  public TableDefinition withColumns(List<String> headerColumns) {
    return new TableDefinition(id, headerColumns, types, primaryKey);
  }

  private static void requireUnique(List<String> columns, TableId id, String where) {
    Set<String> seen = new HashSet<>();
    for (String c : columns) {
      if (!seen.add(c)) {
        throw new IllegalArgumentException(id + ": duplicate column " + c + where);
      }
    }
  }

  private static void requireKey(List<String> columns, List<String> key, TableId id) {
    if (!columns.isEmpty()) {
      for (String k : key) {
        if (!columns.contains(k)) {
          throw new IllegalArgumentException(
              id + ": primary key column " + k + " is not among the columns " + columns);
        }
      }
    }
  }

  /** Builds a {@link TableDefinition}; only the table id is required. */
  public static final class Builder {
    private final TableId id;
    private final List<String> columns = new ArrayList<>();
    private final Map<String, ColumnType> types = new LinkedHashMap<>();
    private final List<String> primaryKey = new ArrayList<>();
    private final List<ColumnVersion> columnVersions = new ArrayList<>();

    private Builder(TableId id) {
      this.id = Objects.requireNonNull(id, "id");
    }

    public Builder columns(List<String> names) {
      columns.clear();
      columns.addAll(names);
      return this;
    }

    public Builder columns(String... names) {
      return columns(List.of(names));
    }

    /** Adds a column with its type, keeping the order of calls. */
    public Builder column(String name, ColumnType type) {
      columns.add(name);
      types.put(name, type);
      return this;
    }

    public Builder type(String column, ColumnType type) {
      types.put(column, type);
      return this;
    }

    public Builder types(Map<String, ColumnType> columnTypes) {
      types.putAll(columnTypes);
      return this;
    }

    public Builder primaryKey(List<String> names) {
      primaryKey.clear();
      primaryKey.addAll(names);
      return this;
    }

    public Builder primaryKey(String... names) {
      return primaryKey(List.of(names));
    }

    /**
     * Adds the columns of change files from {@code from} on (a change file's time, {@code
     * 20240301-120000000}, or name), for files without a header; add versions in time order.
     */
    public Builder columnsFrom(String from, List<String> names) {
      columnVersions.add(ColumnVersion.of(from, names));
      return this;
    }

    public TableDefinition build() {
      return new TableDefinition(id, columns, types, primaryKey, columnVersions);
    }
  }
}
