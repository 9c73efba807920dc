package io.cdckinesis.simulation.world;

import io.cdckinesis.core.SourcePosition;
import io.cdckinesis.core.TableId;
import io.cdckinesis.core.spi.AppliedPositionStore;
import io.cdckinesis.simulation.sched.Scheduler;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The consumer's durable position table (a stand-in for the DynamoDB store): one instance shared by
 * every consumer container, so it outlives them, as {@code CDC_POSITIONS_TABLE} does. It behaves
 * like {@code DynamoDbAppliedPositionStore}: a batch read, and conditional writes (a position only
 * if newer, a generation only if higher). Every call is a yield point with a latency, and a
 * consumer can crash on either side of a write's effect.
 */
public final class PositionTable implements AppliedPositionStore {

  private final Supplier<Duration> latency;
  private final Map<String, SourcePosition> positions = new LinkedHashMap<>();
  private final Map<TableId, Long> generations = new LinkedHashMap<>();

  public PositionTable(Supplier<Duration> latency) {
    this.latency = latency;
  }

  @Override
  public Map<String, SourcePosition> lastApplied(Collection<String> rowKeys) {
    Duration d = latency.get();
    Scheduler.pause("positions batch get (" + rowKeys.size() + " keys)", d.dividedBy(2));
    Map<String, SourcePosition> out = new LinkedHashMap<>();
    for (String key : rowKeys) {
      SourcePosition p = positions.get(key);
      if (p != null) {
        out.put(key, p);
      }
    }
    Scheduler.pause("positions batch get answer", d.minus(d.dividedBy(2)));
    return out;
  }

  @Override
  public boolean markApplied(String rowKey, SourcePosition position) {
    Duration d = latency.get();
    Scheduler.pause("positions put " + rowKey, d.dividedBy(2));
    Scheduler.checkAlive();
    SourcePosition old = positions.get(rowKey);
    boolean stored = old == null || position.compareTo(old) > 0;
    if (stored) {
      positions.put(rowKey, position);
    }
    Scheduler.pause("positions put answer", d.minus(d.dividedBy(2)));
    return stored;
  }

  @Override
  public long generation(TableId table) {
    Duration d = latency.get();
    Scheduler.pause("positions get generation " + table, d.dividedBy(2));
    long g = generations.getOrDefault(table, 0L);
    Scheduler.pause("positions get generation answer", d.minus(d.dividedBy(2)));
    return g;
  }

  @Override
  public long raiseGeneration(TableId table, long generation) {
    Duration d = latency.get();
    Scheduler.pause("positions raise generation " + table, d.dividedBy(2));
    Scheduler.checkAlive();
    long now = generations.merge(table, generation, Math::max);
    Scheduler.pause("positions raise generation answer", d.minus(d.dividedBy(2)));
    return now;
  }

  /** Whether a position at or after this one is recorded for the key (no yield: for checks). */
  public boolean holds(String rowKey, SourcePosition position) {
    SourcePosition p = positions.get(rowKey);
    return p != null && p.compareTo(position) >= 0;
  }

  public int size() {
    return positions.size();
  }
}
