package io.cdckinesis.simulation.world;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.Operation;
import io.cdckinesis.core.SourcePosition;
import io.cdckinesis.core.TableId;
import io.cdckinesis.simulation.sched.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The consumer's target: the user's database that a table handler writes to. It outlives every
 * consumer container. Every write is a call into the simulation (a yield point, so a consumer can
 * crash just before or just after its effect), and it watches what the consumer does to it:
 *
 * <ul>
 *   <li>a non-idempotent counter per change (its row key and {@link SourcePosition}): a change
 *       applied twice is a violation of "each change's effect once";
 *   <li>per row key, the position of the last change applied: a change applied with a position not
 *       after it is a violation of "in order per key".
 * </ul>
 */
public final class TargetDatabase {

  private static final int MAX_VIOLATIONS = 20;

  private final Supplier<Duration> latency;
  private final Map<TableId, Map<List<Object>, List<Object>>> tables = new LinkedHashMap<>();
  private final Map<String, Integer> applications = new LinkedHashMap<>();
  private final Map<List<Object>, SourcePosition> lastApplied = new LinkedHashMap<>();
  private final List<String> violations = new ArrayList<>();
  private long applied;
  private long duplicates;
  private long outOfOrder;

  public TargetDatabase(Supplier<Duration> latency) {
    this.latency = latency;
  }

  /**
   * Applies a change as a plain table handler does: loads, inserts and updates write the row,
   * deletes remove it.
   */
  public void apply(ChangeRecord r) {
    Duration d = latency.get();
    Scheduler.pause("target write " + r.tableId() + " " + r.keyValues(), d.dividedBy(2));
    Scheduler.checkAlive();
    record(r);
    Map<List<Object>, List<Object>> rows = table(r.tableId());
    if (r.operation() == Operation.DELETE) {
      rows.remove(r.keyValues());
    } else {
      rows.put(r.keyValues(), r.values());
    }
    Scheduler.pause("target write answer", d.minus(d.dividedBy(2)));
  }

  /** Empties a table (a consumer applying a truncate or the start of a new load generation). */
  public void truncate(TableId table) {
    Duration d = latency.get();
    Scheduler.pause("target truncate " + table, d.dividedBy(2));
    Scheduler.checkAlive();
    table(table).clear();
    Scheduler.pause("target truncate answer", d.minus(d.dividedBy(2)));
  }

  private void record(ChangeRecord r) {
    applied++;
    SourcePosition p = r.position();
    String change = r.tableId() + " " + r.keyValues() + " @ " + identity(p);
    int times = applications.merge(change, 1, Integer::sum);
    if (times > 1) {
      duplicates++;
      violation(
          "change applied "
              + times
              + " times: "
              + r.tableId()
              + " key "
              + r.keyValues()
              + " at "
              + p);
    }
    List<Object> rowKey = new ArrayList<>();
    rowKey.add(r.tableId());
    rowKey.addAll(r.keyValues());
    SourcePosition last = lastApplied.get(rowKey);
    if (last != null && p.compareTo(last) < 0) {
      outOfOrder++;
      violation(
          "applied out of order: "
              + r.tableId()
              + " key "
              + r.keyValues()
              + " got "
              + p
              + " after "
              + last);
    }
    if (last == null || p.compareTo(last) > 0) {
      lastApplied.put(rowKey, p);
    }
  }

  /**
   * A change's identity, with its row key: its file (with generation and revision) and row, not its
   * line.
   */
  private static String identity(SourcePosition p) {
    return p.file().uri() + "#g" + p.generation() + "r" + p.file().revision() + ":" + p.row();
  }

  private void violation(String text) {
    if (violations.size() < MAX_VIOLATIONS) {
      violations.add(text);
    }
  }

  private Map<List<Object>, List<Object>> table(TableId id) {
    return tables.computeIfAbsent(id, t -> new LinkedHashMap<>());
  }

  /** The rows of a table by key values. */
  public Map<List<Object>, List<Object>> rows(TableId table) {
    return tables.getOrDefault(table, Map.of());
  }

  /** The first violations of order and at-most-once seen. */
  public List<String> violations() {
    return List.copyOf(violations);
  }

  public long applied() {
    return applied;
  }

  public long duplicates() {
    return duplicates;
  }

  public long outOfOrder() {
    return outOfOrder;
  }
}
