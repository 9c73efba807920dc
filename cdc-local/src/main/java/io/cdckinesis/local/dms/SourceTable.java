package io.cdckinesis.local.dms;

import io.cdckinesis.core.ColumnType;
import io.cdckinesis.core.TableDefinition;
import io.cdckinesis.core.TableId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A table of the simulated source database: its definition and its current rows by primary key.
 * Values are typed as the reader produces them from DMS text (Long, BigDecimal, Boolean,
 * LocalDateTime, String), so the consumer's replica can be compared with equals.
 */
public final class SourceTable {

  private TableDefinition definition;
  private final Set<String> lobColumns;
  private final Map<List<Object>, List<Object>> rows = new LinkedHashMap<>();

  public SourceTable(TableDefinition definition) {
    this(definition, Set.of());
  }

  /**
   * @param lobColumns columns of a LOB type (an Oracle CLOB): the source's log does not carry them
   *     in an UPDATE that did not touch them, so DMS does not get their value there
   */
  public SourceTable(TableDefinition definition, Set<String> lobColumns) {
    this.definition = definition;
    this.lobColumns = Set.copyOf(lobColumns);
  }

  public TableId id() {
    return definition.id();
  }

  public TableDefinition definition() {
    return definition;
  }

  public List<String> columns() {
    return definition.columns();
  }

  /** Columns of a LOB type (see the constructor). */
  public Set<String> lobColumns() {
    return lobColumns;
  }

  /**
   * {@code ALTER TABLE ... ADD COLUMN}: the column goes last, NULL in every existing row.
   *
   * @throws IllegalArgumentException when the table has the column already
   */
  public void addColumn(String column, ColumnType type) {
    if (definition.columns().contains(column)) {
      throw new IllegalArgumentException(id() + " has a column " + column + " already");
    }
    List<String> columns = new ArrayList<>(definition.columns());
    columns.add(column);
    Map<String, ColumnType> types = new LinkedHashMap<>(definition.types());
    types.put(column, type);
    definition = new TableDefinition(id(), columns, types, definition.primaryKey());
    rows.replaceAll(
        (k, row) -> {
          List<Object> longer = new ArrayList<>(row);
          longer.add(null);
          return Collections.unmodifiableList(longer);
        });
  }

  public ColumnType typeOf(int column) {
    return definition.typeOf(definition.columns().get(column));
  }

  public List<Object> keyOf(List<Object> row) {
    List<Object> key = new ArrayList<>(definition.primaryKey().size());
    for (String k : definition.primaryKey()) {
      key.add(row.get(definition.columns().indexOf(k)));
    }
    return Collections.unmodifiableList(key);
  }

  /**
   * @throws IllegalArgumentException when the row does not have a value per column
   */
  public void put(List<Object> row) {
    if (row.size() != definition.columns().size()) {
      throw new IllegalArgumentException(
          id()
              + ": a row of "
              + row.size()
              + " values for "
              + definition.columns().size()
              + " columns");
    }
    rows.put(keyOf(row), Collections.unmodifiableList(new ArrayList<>(row)));
  }

  public void remove(List<Object> key) {
    rows.remove(key);
  }

  /** Removes every row. */
  public void clear() {
    rows.clear();
  }

  public List<Object> get(List<Object> key) {
    return rows.get(key);
  }

  /** The current rows by key (a live, read-only view). */
  public Map<List<Object>, List<Object>> rows() {
    return Collections.unmodifiableMap(rows);
  }

  /** A copy of the rows, for snapshots. */
  public Map<List<Object>, List<Object>> snapshot() {
    return new LinkedHashMap<>(rows);
  }
}
