package io.cdckinesis.simulation.world;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.Operation;
import io.cdckinesis.core.SourcePosition;
import io.cdckinesis.core.TableId;
import io.cdckinesis.kinesis.PartitionKeys;
import io.cdckinesis.simulation.sched.Actor;
import io.cdckinesis.simulation.sched.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.function.Supplier;

/**
 * The consumer's target: the user's database that a table handler writes to. It outlives every
 * consumer container. Every write is a call into the simulation (a yield point, so a consumer can
 * crash just before or just after its effect), and it watches what the consumer does to it:
 *
 * <ul>
 *   <li>a non-idempotent counter per change (its row key and {@link SourcePosition}): a change
 *       applied twice is a violation of "each change's effect once", except in the one window the
 *       consumer documents for a handler that does not keep positions itself: its invocation died
 *       after the handler's write and before the change's position was recorded, and the redelivery
 *       hands the change over again (counted as re-applied, not as a violation);
 *   <li>per row key, the position of the last change applied: a change applied with a position not
 *       after it is a violation of "in order per key".
 * </ul>
 */
public final class TargetDatabase {

  private static final int MAX_VIOLATIONS = 20;

  /** A row as stored: its values and the load generation of the change that wrote it. */
  private record Row(List<Object> values, long generation) {}

  private final Supplier<Duration> latency;
  private final BiPredicate<String, SourcePosition> recorded;
  private final Map<String, Actor> appliedBy = new HashMap<>();
  private long reapplied;

  private final Map<TableId, Map<List<Object>, Row>> tables = new LinkedHashMap<>();
  private final Map<String, Integer> applications = new LinkedHashMap<>();
  private final Map<List<Object>, SourcePosition> lastApplied = new LinkedHashMap<>();
  private final List<String> violations = new ArrayList<>();
  private long applied;
  private long resets;
  private long duplicates;
  private long outOfOrder;

  /**
   * @param recorded whether the consumer has recorded a change (by its row key, the partition key,
   *     and position) as applied, so that it must never hand it over again
   */
  public TargetDatabase(Supplier<Duration> latency, BiPredicate<String, SourcePosition> recorded) {
    this.latency = latency;
    this.recorded = recorded;
  }

  /**
   * Applies a change as a plain table handler does: loads, inserts and updates write the row (with
   * the change's load generation), deletes remove it.
   */
  public void apply(ChangeRecord r) {
    Duration d = latency.get();
    Scheduler.pause("target write " + r.tableId() + " " + r.keyValues(), d.dividedBy(2));
    Scheduler.checkAlive();
    record(r);
    Map<List<Object>, Row> rows = table(r.tableId());
    if (r.operation() == Operation.DELETE) {
      rows.remove(r.keyValues());
    } else {
      rows.put(r.keyValues(), new Row(r.values(), r.position().generation()));
    }
    Scheduler.pause("target write answer", d.minus(d.dividedBy(2)));
  }

  /**
   * Removes the table's rows of generations older than {@code generation} (a consumer applying a
   * reset: truncate, drop or reload); rows of this generation or newer stay.
   *
   * @return how many rows went
   */
  public int removeOlderThan(TableId table, long generation) {
    Duration d = latency.get();
    Scheduler.pause("target reset " + table + " to generation " + generation, d.dividedBy(2));
    Scheduler.checkAlive();
    Map<List<Object>, Row> rows = table(table);
    int before = rows.size();
    rows.values().removeIf(row -> row.generation() < generation);
    resets++;
    Scheduler.pause("target reset answer", d.minus(d.dividedBy(2)));
    return before - rows.size();
  }

  private void record(ChangeRecord r) {
    applied++;
    SourcePosition p = r.position();
    String change = r.tableId() + " " + r.keyValues() + " @ " + identity(p);
    int times = applications.merge(change, 1, Integer::sum);
    Actor before = appliedBy.put(change, Scheduler.current());
    if (times > 1 && before != null && before.crashed() && !recorded.test(PartitionKeys.of(r), p)) {
      reapplied++; // the documented window: died between the write and the position record
    } else if (times > 1) {
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

  private Map<List<Object>, Row> table(TableId id) {
    return tables.computeIfAbsent(id, t -> new LinkedHashMap<>());
  }

  /** The rows of a table by key values. */
  public Map<List<Object>, List<Object>> rows(TableId table) {
    Map<List<Object>, List<Object>> out = new LinkedHashMap<>();
    tables.getOrDefault(table, Map.of()).forEach((k, row) -> out.put(k, row.values()));
    return out;
  }

  /** The first violations of order and at-most-once seen. */
  public List<String> violations() {
    return List.copyOf(violations);
  }

  public long applied() {
    return applied;
  }

  /** How many table resets were applied. */
  public long resets() {
    return resets;
  }

  /** Changes handed over again after an invocation died before recording them (allowed). */
  public long reapplied() {
    return reapplied;
  }

  public long duplicates() {
    return duplicates;
  }

  public long outOfOrder() {
    return outOfOrder;
  }
}
