package io.cdckinesis.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One change to one row, as read from DMS output: what happened, to which table, the row's values
 * in column order ({@code null} is SQL NULL), the primary-key column names, the source commit time
 * (when DMS wrote a timestamp column) and where in the DMS output it came from.
 *
 * <p>For {@link Operation#DELETE} the values are the row as it was before the delete; for {@link
 * Operation#UPDATE} the row after the update, as DMS writes them.
 *
 * <p><b>Columns DMS did not supply.</b> With {@code UseCsvNoSupValue} DMS marks the columns of a
 * change it did not get (not in the source's supplemental log: typically an Oracle LOB column an
 * UPDATE did not touch) with {@code CsvNoSupValue}. Such a column is absent from the record: not in
 * {@link #columns()}, {@link #values()} or {@link #data()}, and named in {@link #unsupplied()}. A
 * consumer must leave its stored value alone (update only the columns present); it is not NULL. Key
 * columns are always supplied.
 *
 * @param columns the columns present in this change, in the table's column order
 * @param values their values, one per column ({@code null} is SQL NULL)
 * @param commitTimestamp the commit time at the source for changes, the transfer time for full
 *     load; {@code null} when the output has no timestamp column
 * @param unsupplied the table's columns DMS did not supply in this change, in column order; empty
 *     for almost every record (never {@code null})
 */
public record ChangeRecord(
    Operation operation,
    String schema,
    String table,
    List<String> columns,
    List<Object> values,
    List<String> primaryKey,
    Instant commitTimestamp,
    SourcePosition position,
    Set<String> unsupplied) {

  public ChangeRecord {
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(position, "position");
    columns = List.copyOf(columns); // no copy when already immutable (shared across rows)
    primaryKey = List.copyOf(primaryKey);
    values = Collections.unmodifiableList(Arrays.asList(values.toArray())); // nulls allowed
    if (columns.size() != values.size()) {
      throw new IllegalArgumentException(
          "values (" + values.size() + ") do not match columns (" + columns.size() + ")");
    }
    if (!columns.containsAll(primaryKey)) {
      throw new IllegalArgumentException(
          "primary key " + primaryKey + " is not among the columns of " + schema + "." + table);
    }
    if (unsupplied == null || unsupplied.isEmpty()) {
      unsupplied = Set.of();
    } else {
      unsupplied = Collections.unmodifiableSet(new LinkedHashSet<>(unsupplied)); // keeps the order
      for (String c : unsupplied) {
        if (columns.contains(c)) {
          throw new IllegalArgumentException(
              "column " + c + " of " + schema + "." + table + " is both supplied and unsupplied");
        }
      }
    }
  }

  /** A record in which DMS supplied every column. */
  public ChangeRecord(
      Operation operation,
      String schema,
      String table,
      List<String> columns,
      List<Object> values,
      List<String> primaryKey,
      Instant commitTimestamp,
      SourcePosition position) {
    this(
        operation, schema, table, columns, values, primaryKey, commitTimestamp, position, Set.of());
  }

  public static Builder builder() {
    return new Builder();
  }

  public TableId tableId() {
    return TableId.of(schema, table);
  }

  /**
   * The value of a column, {@code null} for SQL NULL.
   *
   * @throws IllegalArgumentException when the record has no such column, or DMS did not supply it
   */
  public Object value(String column) {
    int i = columns.indexOf(column);
    if (i < 0) {
      throw new IllegalArgumentException(
          unsupplied.contains(column)
              ? "DMS did not supply column " + column + " of " + tableId() + " in this change"
              : tableId() + " has no column " + column);
    }
    return values.get(i);
  }

  /** Whether DMS left out some columns of this change ({@link #unsupplied()} names them). */
  public boolean isPartial() {
    return !unsupplied.isEmpty();
  }

  /** The values of the primary-key columns, in key order; empty when the key is unknown. */
  public List<Object> keyValues() {
    if (primaryKey.isEmpty()) {
      return List.of();
    }
    List<Object> out = new ArrayList<>(primaryKey.size());
    for (String k : primaryKey) {
      out.add(value(k));
    }
    return Collections.unmodifiableList(out);
  }

  /** The same change at another position (e.g. stamped with its table's load generation). */
  public ChangeRecord withPosition(SourcePosition newPosition) {
    return new ChangeRecord(
        operation,
        schema,
        table,
        columns,
        values,
        primaryKey,
        commitTimestamp,
        newPosition,
        unsupplied);
  }

  /** The row as an ordered map of column name to value (a new map on each call). */
  public Map<String, Object> data() {
    Map<String, Object> out = new LinkedHashMap<>(columns.size() * 2);
    for (int i = 0; i < columns.size(); i++) {
      out.put(columns.get(i), values.get(i));
    }
    return out;
  }

  /** Builds a {@link ChangeRecord}; handy in tests and for users writing their own sources. */
  public static final class Builder {
    private Operation operation;
    private String schema;
    private String table;
    private final List<String> columns = new ArrayList<>();
    private final List<Object> values = new ArrayList<>();
    private List<String> primaryKey = List.of();
    private Instant commitTimestamp;
    private SourcePosition position;
    private final Set<String> unsupplied = new LinkedHashSet<>();

    private Builder() {}

    public Builder operation(Operation operation) {
      this.operation = operation;
      return this;
    }

    public Builder table(String schema, String table) {
      this.schema = schema;
      this.table = table;
      return this;
    }

    public Builder table(TableId id) {
      return table(id.schema(), id.table());
    }

    /** Appends a column and its value. */
    public Builder value(String column, Object value) {
      columns.add(column);
      values.add(value);
      return this;
    }

    /** Adds columns DMS did not supply in this change (they get no value). */
    public Builder unsupplied(String... columns) {
      unsupplied.addAll(List.of(columns));
      return this;
    }

    public Builder primaryKey(String... names) {
      this.primaryKey = List.of(names);
      return this;
    }

    public Builder primaryKey(List<String> names) {
      this.primaryKey = List.copyOf(names);
      return this;
    }

    public Builder commitTimestamp(Instant commitTimestamp) {
      this.commitTimestamp = commitTimestamp;
      return this;
    }

    public Builder position(SourcePosition position) {
      this.position = position;
      return this;
    }

    public Builder position(String objectUri, long row, long line) {
      return position(new SourcePosition(objectUri, row, line));
    }

    public ChangeRecord build() {
      return new ChangeRecord(
          operation,
          schema,
          table,
          columns,
          values,
          primaryKey,
          commitTimestamp,
          position,
          unsupplied);
    }
  }
}
