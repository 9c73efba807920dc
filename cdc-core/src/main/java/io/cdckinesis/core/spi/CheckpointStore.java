package io.cdckinesis.core.spi;

import java.util.Optional;

/**
 * Durable checkpoints, one per object, written with compare-and-set so that two workers on the same
 * object (a duplicated S3 event) cannot overwrite each other's progress unnoticed.
 */
public interface CheckpointStore {

  /** A stored checkpoint and the opaque revision to pass to {@link #save} to replace it. */
  record Stored(Checkpoint checkpoint, String revision) {}

  /**
   * The checkpoint of an object, if any.
   *
   * @throws io.cdckinesis.core.StoreException when the store cannot be read
   */
  Optional<Stored> load(String objectUri);

  /**
   * Saves a checkpoint if the stored one is still at {@code expectedRevision} ({@code null}: if
   * there is none yet).
   *
   * @return the new revision, or empty when another writer changed it first
   * @throws io.cdckinesis.core.StoreException when the store cannot be written
   */
  Optional<String> save(Checkpoint checkpoint, String expectedRevision);
}
