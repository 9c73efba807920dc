package io.cdckinesis.pipeline.testing;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.ControlRecord;
import io.cdckinesis.core.Operation;
import io.cdckinesis.core.SourcePosition;
import io.cdckinesis.core.TableId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The consumer's fencing rules in a few lines, to check what a producer sent: per key, apply only a
 * newer position; per table, a reset (control record, or a row of a higher generation) removes rows
 * of older generations, and rows of a generation below the table's are stale.
 */
public final class ModelConsumer {

  private record Row(List<Object> values, SourcePosition position, boolean deleted) {}

  private final Map<TableId, Map<List<Object>, Row>> rows = new HashMap<>();
  private final Map<TableId, Long> floors = new HashMap<>();
  private int applied;
  private int skipped;

  public void accept(List<Object> records) {
    for (Object o : records) {
      if (o instanceof ControlRecord c) {
        if (c.operation().resetsTable()) {
          reset(c.table(), c.generation());
        }
      } else {
        apply((ChangeRecord) o);
      }
    }
  }

  private void reset(TableId table, long generation) {
    if (generation <= floors.getOrDefault(table, 0L)) {
      return;
    }
    floors.put(table, generation);
    rows.computeIfAbsent(table, t -> new HashMap<>())
        .values()
        .removeIf(r -> r.position().generation() < generation);
  }

  private void apply(ChangeRecord r) {
    long g = r.position().generation();
    if (g > 0 && g > floors.getOrDefault(r.tableId(), 0L)) {
      reset(r.tableId(), g);
    }
    if (g < floors.getOrDefault(r.tableId(), 0L)) {
      skipped++;
      return;
    }
    Map<List<Object>, Row> table = rows.computeIfAbsent(r.tableId(), t -> new HashMap<>());
    Row last = table.get(r.keyValues());
    if (last != null && r.position().compareTo(last.position()) <= 0) {
      skipped++;
      return;
    }
    applied++;
    table.put(r.keyValues(), new Row(r.values(), r.position(), r.operation() == Operation.DELETE));
  }

  /** The live rows of a table: key values to row values, in key order. */
  public Map<String, List<Object>> table(TableId table) {
    Map<String, List<Object>> out = new TreeMap<>();
    rows.getOrDefault(table, Map.of())
        .forEach(
            (k, r) -> {
              if (!r.deleted()) {
                out.put(k.toString(), r.values());
              }
            });
    return out;
  }

  public int applied() {
    return applied;
  }

  public int skipped() {
    return skipped;
  }
}
