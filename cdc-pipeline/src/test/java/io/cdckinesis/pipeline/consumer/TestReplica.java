package io.cdckinesis.pipeline.consumer;

import io.cdckinesis.core.spi.ChangeInput;
import io.cdckinesis.core.spi.SchemaChangeInput;
import io.cdckinesis.core.spi.TableHandler;
import io.cdckinesis.core.spi.TruncateInput;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A target that is not idempotent: it counts every change it is handed (a second application of a
 * change shows as a count of 2), and keeps rows by key with their load generation; a reset removes
 * rows of older generations.
 */
class TestReplica extends TableHandler {

  record Row(List<Object> values, long generation) {}

  final Map<String, Row> rows = new LinkedHashMap<>();
  final Map<String, Integer> timesApplied = new LinkedHashMap<>();
  final List<String> events = new ArrayList<>();

  @Override
  public synchronized void handle(ChangeInput in) {
    timesApplied.merge(in.position() + " " + in.rowKey(), 1, Integer::sum);
    events.add(in.record().operation().wireName() + " " + in.rowKey() + "@" + in.position().row());
    switch (in.record().operation()) {
      case DELETE -> rows.remove(in.rowKey());
      default -> rows.put(in.rowKey(), new Row(in.record().values(), in.generation()));
    }
  }

  @Override
  public synchronized void onTruncate(TruncateInput in) {
    events.add("reset " + in.table() + " to " + in.generation() + (in.repeated() ? " again" : ""));
    rows.values().removeIf(r -> r.generation() < in.generation());
  }

  @Override
  public synchronized void onSchemaChange(SchemaChangeInput in) {
    events.add(in.operation().wireName() + " " + in.columns());
  }

  /** Changes handed over more than once. */
  synchronized Map<String, Integer> appliedTwice() {
    Map<String, Integer> out = new LinkedHashMap<>();
    timesApplied.forEach(
        (k, n) -> {
          if (n > 1) {
            out.put(k, n);
          }
        });
    return out;
  }
}
