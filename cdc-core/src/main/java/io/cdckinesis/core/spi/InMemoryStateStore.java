package io.cdckinesis.core.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A {@link StateStore} in memory, for one process: a one-off {@code cdc load}, tests. Thread-safe.
 * Its state ends with the process; a pipeline that must survive restarts needs a durable store
 * (S3StateStore).
 */
public final class InMemoryStateStore implements StateStore {

  private record Entry(byte[] document, long revision) {}

  private final Map<String, Entry> documents = new TreeMap<>();

  @Override
  public synchronized Optional<Stored> load(String id) {
    Entry e = documents.get(StateStore.checkId(id));
    return e == null
        ? Optional.empty()
        : Optional.of(new Stored(e.document().clone(), Long.toString(e.revision())));
  }

  @Override
  public synchronized Optional<String> save(String id, byte[] document, String expectedRevision) {
    Entry current = documents.get(StateStore.checkId(id));
    long expected = expectedRevision == null ? 0 : Long.parseLong(expectedRevision);
    if ((current == null ? 0 : current.revision()) != expected) {
      return Optional.empty();
    }
    documents.put(id, new Entry(document.clone(), expected + 1));
    return Optional.of(Long.toString(expected + 1));
  }

  @Override
  public synchronized List<String> list(String idPrefix) {
    List<String> out = new ArrayList<>();
    for (String id : documents.keySet()) {
      if (id.startsWith(idPrefix)) {
        out.add(id);
      }
    }
    return out;
  }

  /** Forgets a document, as if someone deleted it (for tests of lost state). */
  public synchronized void delete(String id) {
    documents.remove(id);
  }
}
