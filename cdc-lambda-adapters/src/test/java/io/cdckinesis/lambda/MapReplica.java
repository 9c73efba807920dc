package io.cdckinesis.lambda;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.spi.ChangeInput;
import io.cdckinesis.core.spi.TableHandler;
import io.cdckinesis.kinesis.PartitionKeys;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A test table handler keeping the latest row per table and key, and counting what it applied. */
final class MapReplica extends TableHandler {

  final Map<String, List<Object>> rows = new LinkedHashMap<>();
  final List<ChangeRecord> applied = new ArrayList<>();

  @Override
  public synchronized void handle(ChangeInput in) {
    apply(in.record());
  }

  synchronized void apply(ChangeRecord r) {
    applied.add(r);
    String key = PartitionKeys.of(r);
    switch (r.operation()) {
      case DELETE -> rows.remove(key);
      default -> rows.put(key, r.values());
    }
  }

  /** The state a list of changes leads to, applied in order. */
  static Map<String, List<Object>> stateOf(List<ChangeRecord> changes) {
    MapReplica r = new MapReplica();
    changes.forEach(r::apply);
    return r.rows;
  }
}
