package io.cdckinesis.pipeline.consumer.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Failed attempts per record in this process, so that a handler can tell a first attempt from a
 * redelivered one (a new container starts afresh). Bounded: the least recently used are forgotten.
 */
public final class Attempts {

  private final Map<String, Integer> failed =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
          return size() > 10_000;
        }
      };

  /** Failed attempts so far at the record. */
  public synchronized int failedSoFar(String id) {
    return failed.getOrDefault(id, 0);
  }

  public synchronized void failed(String id) {
    failed.merge(id, 1, Integer::sum);
  }

  public synchronized void done(String id) {
    failed.remove(id);
  }
}
