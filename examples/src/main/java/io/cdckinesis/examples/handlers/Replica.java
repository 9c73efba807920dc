package io.cdckinesis.examples.handlers;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.TableId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An in-memory copy of source tables, kept by {@link ReplicaTableHandler}: per table, the current
 * row values by primary-key values. Thread-safe (shards are consumed in parallel; one key lives in
 * one shard).
 */
public final class Replica {

  private final Map<TableId, Map<List<Object>, List<Object>>> tables = new ConcurrentHashMap<>();

  void upsert(ChangeRecord r) {
    table(r.tableId()).put(r.keyValues(), r.values());
  }

  void delete(ChangeRecord r) {
    table(r.tableId()).remove(r.keyValues());
  }

  /** The rows of a table by key (a live view; empty when nothing arrived). */
  public Map<List<Object>, List<Object>> rows(TableId table) {
    return table(table);
  }

  private Map<List<Object>, List<Object>> table(TableId id) {
    return tables.computeIfAbsent(id, t -> new ConcurrentHashMap<>());
  }
}
