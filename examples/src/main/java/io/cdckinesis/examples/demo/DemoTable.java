package io.cdckinesis.examples.demo;

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
final class DemoTable {

  private final TableDefinition definition;
  private final Map<List<Object>, List<Object>> rows = new LinkedHashMap<>();

  DemoTable(TableDefinition definition) {
    this.definition = definition;
  }

  TableId id() {
    return definition.id();
  }

  TableDefinition definition() {
    return definition;
  }

  List<String> columns() {
    return definition.columns();
  }

  ColumnType typeOf(int column) {
    return definition.typeOf(definition.columns().get(column));
  }

  List<Object> keyOf(List<Object> row) {
    List<Object> key = new ArrayList<>(definition.primaryKey().size());
    for (String k : definition.primaryKey()) {
      key.add(row.get(definition.columns().indexOf(k)));
    }
    return Collections.unmodifiableList(key);
  }

  void put(List<Object> row) {
    rows.put(keyOf(row), Collections.unmodifiableList(new ArrayList<>(row)));
  }

  void remove(List<Object> key) {
    rows.remove(key);
  }

  List<Object> get(List<Object> key) {
    return rows.get(key);
  }

  /** The current rows by key (a live, read-only view). */
  Map<List<Object>, List<Object>> rows() {
    return Collections.unmodifiableMap(rows);
  }

  /** A copy of the rows, for snapshots. */
  Map<List<Object>, List<Object>> snapshot() {
    return new LinkedHashMap<>(rows);
  }
}
