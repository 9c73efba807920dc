package io.cdckinesis.lambda;

import io.cdckinesis.core.SourcePosition;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An {@link AppliedPositionStore} in memory, holding up to {@code maxKeys} keys (least recently
 * used ones are forgotten first, so memory stays bounded). Thread-safe. It lasts as long as the
 * process: a new Lambda container starts empty.
 */
public final class InMemoryAppliedPositionStore implements AppliedPositionStore {

  /** Default capacity: about 100 MB at the worst, far less for short keys. */
  public static final int DEFAULT_MAX_KEYS = 500_000;

  private final Map<String, SourcePosition> positions;

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
  public synchronized Optional<SourcePosition> lastApplied(String key) {
    return Optional.ofNullable(positions.get(key));
  }

  @Override
  public synchronized void markApplied(String key, SourcePosition position) {
    positions.merge(key, position, (old, now) -> now.compareTo(old) > 0 ? now : old);
  }

  /** How many keys are remembered. */
  public synchronized int size() {
    return positions.size();
  }
}
