package io.cdckinesis.pipeline.consumer;

import io.cdckinesis.core.SourcePosition;
import io.cdckinesis.core.TableId;
import io.cdckinesis.core.spi.AppliedPositionStore;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An {@link AppliedPositionStore} in memory: a single-container convenience, not exactly once. It
 * lasts as long as the process, so a new Lambda container starts empty and applies again whatever a
 * redelivered batch holds; and it holds up to {@code maxKeys} row keys (least recently used ones
 * are forgotten first, so memory stays bounded), so a row forgotten can be applied again. Use the
 * DynamoDB store ({@code cdc-dynamodb}) or a handler that keeps positions for an exactly-once
 * effect. Thread-safe.
 */
public final class InMemoryAppliedPositionStore implements AppliedPositionStore {

  /** Default capacity: about 100 MB at the worst, far less for short keys. */
  public static final int DEFAULT_MAX_KEYS = 500_000;

  private final Map<String, SourcePosition> positions;
  private final Map<TableId, Long> generations = new HashMap<>();

  public InMemoryAppliedPositionStore() {
    this(DEFAULT_MAX_KEYS);
  }

  public InMemoryAppliedPositionStore(int maxKeys) {
    if (maxKeys < 1) {
      throw new IllegalArgumentException("maxKeys must be >= 1");
    }
    this.positions =
        new LinkedHashMap<>(1024, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, SourcePosition> eldest) {
            return size() > maxKeys;
          }
        };
  }

  @Override
  public synchronized Map<String, SourcePosition> lastApplied(Collection<String> rowKeys) {
    Map<String, SourcePosition> out = new HashMap<>();
    for (String key : rowKeys) {
      SourcePosition p = positions.get(key);
      if (p != null) {
        out.put(key, p);
      }
    }
    return out;
  }

  @Override
  public synchronized boolean markApplied(String rowKey, SourcePosition position) {
    SourcePosition old = positions.get(rowKey);
    if (old != null && position.compareTo(old) <= 0) {
      return false;
    }
    positions.put(rowKey, position);
    return true;
  }

  @Override
  public synchronized long generation(TableId table) {
    return generations.getOrDefault(table, 0L);
  }

  @Override
  public synchronized long raiseGeneration(TableId table, long generation) {
    return generations.merge(table, generation, Math::max);
  }

  /** How many row keys are remembered. */
  public synchronized int size() {
    return positions.size();
  }
}
