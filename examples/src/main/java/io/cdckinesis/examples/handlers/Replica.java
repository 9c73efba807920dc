package io.cdckinesis.examples.handlers;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.TableId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An in-memory copy of source tables, kept by {@link ReplicaTableHandler}: per table, the current
 * row values by primary-key values, each row with the load generation it was written in, so that a
 * table reset removes exactly the rows of older generations. Thread-safe (shards are consumed in
 * parallel; one key lives in one shard).
 */
public final class Replica {

  /** A row: its values by column, and the generation of the change that wrote it last. */
  private record Row(Map<String, Object> values, long generation) {}

  private final Map<TableId, Map<List<Object>, Row>> tables = new ConcurrentHashMap<>();

  /**
   * Writes the row. Columns the change does not carry keep their stored value.
   *
   * <p>TODO(reader): when ChangeRecord says which columns DMS did not supply (CsvNoSupValue, issue
   * 11 item 2), skip exactly those; today every column of the record is written.
   */
  void upsert(ChangeRecord r) {
    table(r.tableId())
        .compute(
            r.keyValues(),
            (k, old) -> {
              Map<String, Object> values =
                  old == null ? new LinkedHashMap<>() : new LinkedHashMap<>(old.values());
              values.putAll(r.data());
              return new Row(values, r.position().generation());
            });
  }

  void delete(ChangeRecord r) {
    table(r.tableId()).remove(r.keyValues());
  }

  /** The table restarts at {@code generation}: rows written in older generations go. */
  void reset(TableId table, long generation) {
    table(table).values().removeIf(row -> row.generation() < generation);
  }

  /** Columns added: existing rows get them as NULL, as a database's ADD COLUMN does. */
  void addColumns(TableId table, List<String> columns) {
    table(table)
        .replaceAll(
            (k, row) -> {
              Map<String, Object> values = new LinkedHashMap<>(row.values());
              columns.forEach(c -> values.putIfAbsent(c, null));
              return new Row(values, row.generation());
            });
  }

  /** Columns dropped: removed from every row. */
  void dropColumns(TableId table, List<String> columns) {
    table(table)
        .replaceAll(
            (k, row) -> {
              Map<String, Object> values = new LinkedHashMap<>(row.values());
              columns.forEach(values::remove);
              return new Row(values, row.generation());
            });
  }

  /** The rows of a table by key, each as its values in column order (a snapshot). */
  public Map<List<Object>, List<Object>> rows(TableId table) {
    Map<List<Object>, List<Object>> out = new LinkedHashMap<>();
    table(table).forEach((k, row) -> out.put(k, new ArrayList<>(row.values().values())));
    return out;
  }

  private Map<List<Object>, Row> table(TableId id) {
    return tables.computeIfAbsent(id, t -> new ConcurrentHashMap<>());
  }
}
