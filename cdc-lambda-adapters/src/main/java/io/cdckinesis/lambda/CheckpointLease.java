package io.cdckinesis.lambda;

import io.cdckinesis.core.ReadProgress;
import io.cdckinesis.core.spi.Checkpoint;
import io.cdckinesis.core.spi.CheckpointStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A claim on one entry of the checkpoint store (an object's progress, or a table's cursor). Every
 * save is a compare-and-set on the revision this holder wrote last, and either renews the claim
 * (owner, until now plus the lease duration) or gives it up. A failed compare-and-set means another
 * worker changed the entry: the claim is lost.
 */
final class CheckpointLease {

  private final CheckpointStore store;
  private final Clock clock;
  private final Duration duration;
  private final String uri;
  private final String owner;
  private String version;
  private String revision;

  /**
   * @param version the entry's {@link Checkpoint#objectVersion()} (an object's ETag, a table's
   *     cursor)
   * @param revision the stored revision to replace, or null when there is none yet
   */
  CheckpointLease(
      CheckpointStore store,
      Clock clock,
      Duration duration,
      String uri,
      String owner,
      String version,
      String revision) {
    this.store = store;
    this.clock = clock;
    this.duration = duration;
    this.uri = uri;
    this.owner = owner;
    this.version = version;
    this.revision = revision;
  }

  String uri() {
    return uri;
  }

  String version() {
    return version;
  }

  /**
   * Saves the entry with its current version; see {@link #save(String, ReadProgress, boolean,
   * boolean)}.
   */
  boolean save(ReadProgress progress, boolean complete, boolean keep) {
    return save(version, progress, complete, keep);
  }

  /**
   * Saves the entry, renewing the claim when {@code keep}, else giving it up.
   *
   * @return false when another worker changed the entry first (the claim is lost)
   */
  boolean save(String newVersion, ReadProgress progress, boolean complete, boolean keep) {
    Instant until = keep ? clock.instant().plus(duration) : null;
    Checkpoint cp = new Checkpoint(uri, newVersion, progress, complete, keep ? owner : null, until);
    Optional<String> saved = store.save(cp, revision);
    if (saved.isEmpty()) {
      return false;
    }
    revision = saved.get();
    version = newVersion;
    return true;
  }
}
