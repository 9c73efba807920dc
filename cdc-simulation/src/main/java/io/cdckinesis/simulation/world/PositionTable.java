package io.cdckinesis.simulation.world;

import io.cdckinesis.core.SourcePosition;
import io.cdckinesis.simulation.sched.Scheduler;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A durable key-value table of positions (think DynamoDB): what a consumer remembers across
 * containers. Every call is a yield point with a latency.
 */
public final class PositionTable {

  private final Supplier<Duration> latency;
  private final Map<String, SourcePosition> positions = new LinkedHashMap<>();

  public PositionTable(Supplier<Duration> latency) {
    this.latency = latency;
  }

  public Optional<SourcePosition> get(String key) {
    Duration d = latency.get();
    Scheduler.pause("positions get " + key, d.dividedBy(2));
    Optional<SourcePosition> p = Optional.ofNullable(positions.get(key));
    Scheduler.pause("positions get answer", d.minus(d.dividedBy(2)));
    return p;
  }

  /** Stores the position unless a later one is stored already; true when stored. */
  public boolean putIfNewer(String key, SourcePosition position) {
    Duration d = latency.get();
    Scheduler.pause("positions put " + key, d.dividedBy(2));
    Scheduler.checkAlive();
    SourcePosition old = positions.get(key);
    boolean stored = old == null || position.compareTo(old) > 0;
    if (stored) {
      positions.put(key, position);
    }
    Scheduler.pause("positions put answer", d.minus(d.dividedBy(2)));
    return stored;
  }

  public int size() {
    return positions.size();
  }
}
