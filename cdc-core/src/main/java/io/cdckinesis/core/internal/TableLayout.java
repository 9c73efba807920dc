package io.cdckinesis.core.internal;

import io.cdckinesis.core.ColumnType;
import io.cdckinesis.core.TableDefinition;
import io.cdckinesis.core.TableId;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a table's values are in a row's fields, resolved once per file (or once per table of a
 * CDC_TXN file): the data columns (one immutable list shared by every record), their field indexes
 * and types, the timestamp column's field and the expected field count.
 */
final class TableLayout {

  final TableId id;
  final String schema;
  final String table;
  final List<String> columns;
  final List<String> primaryKey;

  /** The field of each data column. */
  final int[] fieldIndex;

  /** The type of each data column, or {@code null} when all are strings. */
  final ColumnType[] types;

  /** The timestamp column's field, or -1. */
  final int timestampField;

  final String timestampColumn;
  final int fieldCount;

  /** Whether the data columns are exactly the fields, untyped: the fields can be the values. */
  final boolean fieldsAreValues;

  private TableLayout(
      TableId id,
      List<String> columns,
      List<String> primaryKey,
      int[] fieldIndex,
      ColumnType[] types,
      int timestampField,
      String timestampColumn,
      int fieldCount) {
    this.id = id;
    this.schema = id.schema();
    this.table = id.table();
    this.columns = List.copyOf(columns);
    this.primaryKey = List.copyOf(primaryKey);
    this.fieldIndex = fieldIndex;
    this.types = types;
    this.timestampField = timestampField;
    this.timestampColumn = timestampColumn;
    this.fieldCount = fieldCount;
    boolean identity = types == null && fieldCount == fieldIndex.length;
    for (int i = 0; identity && i < fieldIndex.length; i++) {
      identity = fieldIndex[i] == i;
    }
    this.fieldsAreValues = identity;
  }

  /**
   * The layout of a file with a header. The header's columns win over the definition's (the table's
   * columns may have changed since it was written: DMS supports ADD and DROP COLUMN during CDC);
   * the definition supplies the key and the types.
   *
   * @param header the header's fields as written
   * @param dataStart the first field after the Op field (0 or 1)
   * @param timestampName {@code TimestampColumnName}, or {@code null}
   * @param definition the configured definition, or {@code null}
   * @throws IllegalArgumentException (message free of values) when the header is unusable or lacks
   *     a configured key column
   */
  static TableLayout fromHeader(
      TableId id,
      List<String> header,
      int dataStart,
      String timestampName,
      TableDefinition definition) {
    int timestampField = -1;
    if (timestampName != null) {
      for (int i = dataStart; i < header.size(); i++) {
        if (timestampName.equals(header.get(i))) {
          timestampField = i;
          break;
        }
      }
    }
    List<String> columns = new ArrayList<>();
    List<Integer> indexes = new ArrayList<>();
    for (int i = dataStart; i < header.size(); i++) {
      String name = header.get(i);
      if (name == null || name.isEmpty()) {
        throw new IllegalArgumentException("header field " + (i + 1) + " is empty");
      }
      if (i == timestampField) {
        continue;
      }
      if (columns.contains(name)) {
        // Positions, not names: a "header" that is really a data row must not be echoed.
        throw new IllegalArgumentException(
            "header field "
                + (i + 1)
                + " repeats field "
                + (indexes.get(columns.indexOf(name)) + 1));
      }
      columns.add(name);
      indexes.add(i);
    }
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("the header names no data columns");
    }
    List<String> key = List.of();
    ColumnType[] types = null;
    if (definition != null) {
      if (definition.hasColumns() && none(columns, definition)) {
        // a column change touches some columns, never all: this "header" is a data row
        throw new IllegalArgumentException(
            "the header names none of the configured columns of "
                + id
                + ": does the file have no header (AddColumnName false on the endpoint)?");
      }
      for (String k : definition.primaryKey()) {
        if (!columns.contains(k)) {
          // names only the definition's column: the "header" may really be a data row
          throw new IllegalArgumentException(
              "the header lacks primary key column "
                  + k
                  + " of "
                  + id
                  + " (configured in the table definition): a key column cannot be dropped, so"
                  + " the definition's primaryKey or the settings (AddColumnName, Op) are wrong");
        }
      }
      key = definition.primaryKey();
      types = types(columns, definition);
    }
    return new TableLayout(
        id,
        columns,
        key,
        toArray(indexes),
        types,
        timestampField,
        timestampField < 0 ? null : timestampName,
        header.size());
  }

  /**
   * The layout of rows without a header: {@code prefixFields} fields (Op, and for CDC_TXN the table
   * and schema), then the timestamp field when {@code TimestampColumnName} is set and the columns
   * do not list it, then the columns.
   *
   * @param defined the definition's columns for this file ({@link TableDefinition#columnsFor})
   */
  static TableLayout fromDefinition(
      TableDefinition definition, List<String> defined, int prefixFields, String timestampName) {
    boolean extraTimestamp = timestampName != null && !defined.contains(timestampName);
    int first = prefixFields + (extraTimestamp ? 1 : 0);
    int timestampField = -1;
    if (extraTimestamp) {
      timestampField = prefixFields;
    }
    List<String> columns = new ArrayList<>();
    List<Integer> indexes = new ArrayList<>();
    for (int i = 0; i < defined.size(); i++) {
      if (defined.get(i).equals(timestampName)) {
        timestampField = first + i;
        continue;
      }
      columns.add(defined.get(i));
      indexes.add(first + i);
    }
    return new TableLayout(
        definition.id(),
        columns,
        definition.primaryKey(),
        toArray(indexes),
        types(columns, definition),
        timestampField,
        timestampField < 0 ? null : timestampName,
        first + defined.size());
  }

  /** Whether the header holds none of the columns any version of the definition lists. */
  private static boolean none(List<String> header, TableDefinition definition) {
    if (header.stream().anyMatch(definition.columns()::contains)) {
      return false;
    }
    return definition.columnVersions().stream()
        .noneMatch(v -> header.stream().anyMatch(v.columns()::contains));
  }

  private static ColumnType[] types(List<String> columns, TableDefinition definition) {
    ColumnType[] types = new ColumnType[columns.size()];
    boolean any = false;
    for (int i = 0; i < types.length; i++) {
      types[i] = definition.typeOf(columns.get(i));
      any |= types[i] != ColumnType.STRING;
    }
    return any ? types : null;
  }

  private static int[] toArray(List<Integer> list) {
    int[] out = new int[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = list.get(i);
    }
    return out;
  }
}
