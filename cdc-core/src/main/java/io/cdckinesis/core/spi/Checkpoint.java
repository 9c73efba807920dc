package io.cdckinesis.core.spi;

import io.cdckinesis.core.ReadProgress;
import java.time.Instant;
import java.util.Objects;

/**
 * How far a producer got with one object, so that a retried or continued invocation resumes instead
 * of resending the object.
 *
 * @param objectUri the object, e.g. {@code s3://bucket/dbo/T/LOAD00000001.csv}
 * @param objectVersion the object's version id or ETag when the checkpoint was taken; a checkpoint
 *     for another version of the object does not apply
 * @param progress rows done and where the next one starts
 * @param complete whether the whole object has been sent
 * @param owner who holds the lease on the object (an invocation id), or {@code null}
 * @param leaseUntil until when the owner's lease holds; another worker may take over after it
 */
public record Checkpoint(
    String objectUri,
    String objectVersion,
    ReadProgress progress,
    boolean complete,
    String owner,
    Instant leaseUntil) {

  public Checkpoint {
    Objects.requireNonNull(objectUri, "objectUri");
    Objects.requireNonNull(progress, "progress");
  }

  /** Whether this checkpoint was taken on the given version of the object. */
  public boolean appliesTo(String version) {
    return objectVersion == null || version == null || objectVersion.equals(version);
  }

  /** Whether another owner's lease is still running at {@code now}. */
  public boolean leasedByOtherThan(String me, Instant now) {
    return owner != null && !owner.equals(me) && leaseUntil != null && leaseUntil.isAfter(now);
  }
}
