package io.cdckinesis.pipeline.internal;

import io.cdckinesis.core.spi.ObjectStore;
import java.time.Instant;
import java.util.Objects;

/**
 * One version of one object: its key, ETag and LastModified. A rewrite of the object changes the
 * LastModified even when the content (and so the ETag) is the same.
 */
public record FileVersion(String key, String eTag, Instant lastModified) {

  public FileVersion {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(eTag, "eTag");
    Objects.requireNonNull(lastModified, "lastModified");
  }

  public static FileVersion of(ObjectStore.Listed o) {
    return new FileVersion(o.key(), o.eTag(), o.lastModified());
  }

  /** Whether {@code o} is this very version of the object. */
  public boolean sameAs(ObjectStore.Listed o) {
    return key.equals(o.key()) && eTag.equals(o.eTag()) && lastModified.equals(o.lastModified());
  }
}
