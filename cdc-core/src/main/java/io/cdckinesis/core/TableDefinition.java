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
 * supplies them), optional column types, and the primary key.
 *
 * <p>Column names come from the CSV header when DMS wrote one ({@code AddColumnName=true}); this
 * definition then only needs the key and, optionally, types. Without a header they must be listed
 * here, in the table's column order.
 */
public record TableDefinition(
    TableId id, List<String> columns, Map<String, ColumnType> types, List<String> primaryKey) {

  public TableDefinition {
    Objects.requireNonNull(id, "id");
    columns = List.copyOf(columns);
    types = Collections.unmodifiableMap(new LinkedHashMap<>(types));
    primaryKey = List.copyOf(primaryKey);
    requireUnique(columns, id);
    if (!columns.isEmpty()) {
      for (String key : primaryKey) {
        if (!columns.contains(key)) {
          throw new IllegalArgumentException(
              id + ": primary key column " + key + " is not among the columns " + columns);
        }
      }
    }
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

  /** A copy with the given columns (from a CSV header), keeping types and key. */
  public TableDefinition withColumns(List<String> headerColumns) {
    return new TableDefinition(id, headerColumns, types, primaryKey);
  }

  private static void requireUnique(List<String> columns, TableId id) {
    Set<String> seen = new HashSet<>();
    for (String c : columns) {
      if (!seen.add(c)) {
        throw new IllegalArgumentException(id + ": duplicate column " + c);
      }
    }
  }

  /** Builds a {@link TableDefinition}; only the table id is required. */
  public static final class Builder {
    private final TableId id;
    private final List<String> columns = new ArrayList<>();
    private final Map<String, ColumnType> types = new LinkedHashMap<>();
    private final List<String> primaryKey = new ArrayList<>();

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

    public TableDefinition build() {
      return new TableDefinition(id, columns, types, primaryKey);
    }
  }
}
