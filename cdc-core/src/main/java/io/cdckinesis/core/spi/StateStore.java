package io.cdckinesis.core.spi;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Small durable documents written only by compare-and-set: the producer's table states (lease, load
 * generation, progress). Two writers saving on top of the same revision cannot both succeed, so a
 * holder that lost its claim finds out at its next save.
 *
 * <p>Ids are paths of non-empty segments separated by {@code /} (e.g. {@code
 * tables/dms-bucket/hq/dbo/customers}). A store keeps only the newest revisions of a document: no
 * expiry rule is needed, and none may be set on it (a document an idle table has not rewritten for
 * months is still its state).
 */
public interface StateStore {

  /** A stored document and the opaque revision to pass to {@link #save} to replace it. */
  record Stored(byte[] document, String revision) {
    public Stored {
      Objects.requireNonNull(document, "document");
      Objects.requireNonNull(revision, "revision");
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Stored s
          && Arrays.equals(document, s.document)
          && revision.equals(s.revision);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(document) + revision.hashCode();
    }

    @Override
    public String toString() {
      return "Stored[" + document.length + " bytes, revision " + revision + "]";
    }
  }

  /**
   * The newest revision of a document, if there is one.
   *
   * @throws io.cdckinesis.core.StoreException when the store cannot be read
   */
  Optional<Stored> load(String id);

  /**
   * Saves a document if the stored one is still at {@code expectedRevision} ({@code null}: if there
   * is none yet).
   *
   * @return the new revision, or empty when another writer changed it first
   * @throws io.cdckinesis.core.StoreException when the store cannot be written
   */
  Optional<String> save(String id, byte[] document, String expectedRevision);

  /**
   * The ids of the documents whose id starts with {@code idPrefix}, each once, in no particular
   * order.
   *
   * @throws io.cdckinesis.core.StoreException when the store cannot be listed
   */
  List<String> list(String idPrefix);

  /** Checks an id: non-empty segments separated by {@code /}, no {@code .} or {@code ..}. */
  static String checkId(String id) {
    Objects.requireNonNull(id, "id");
    if (id.isEmpty() || id.startsWith("/") || id.endsWith("/") || id.contains("//")) {
      throw new IllegalArgumentException("state ids are non-empty segments joined by '/': " + id);
    }
    for (String segment : id.split("/")) {
      if (segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException("state id with a . or .. segment: " + id);
      }
    }
    return id;
  }
}
