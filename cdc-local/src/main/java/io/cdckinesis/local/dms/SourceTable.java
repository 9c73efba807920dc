package io.cdckinesis.local.dms;

import io.cdckinesis.core.ColumnType;
import io.cdckinesis.core.TableDefinition;
import io.cdckinesis.core.TableId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A table of the simulated source database: its definition and its current rows by primary key.
 * Values are typed as the reader produces them from DMS text (Long, BigDecimal, Boolean,
 * LocalDateTime, String), so the consumer's replica can be compared with equals.
 */
public final class SourceTable {

  private final TableDefinition definition;
  private final Map<List<Object>, List<Object>> rows = new LinkedHashMap<>();

  public SourceTable(TableDefinition definition) {
    this.definition = definition;
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

  public void put(List<Object> row) {
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
