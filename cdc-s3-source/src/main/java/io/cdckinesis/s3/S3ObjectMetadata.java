package io.cdckinesis.s3;

import java.time.Instant;
import java.util.Objects;

/**
 * What S3 said about an object when it was opened.
 *
 * @param size the whole object's size in bytes (not the size of a ranged read)
 * @param eTag the object's ETag in its quoted form, e.g. {@code
 *     "\"9b2cf535f27731c974343645a3985328\""}; keep it with the saved progress and pass it back to
 *     {@link S3ObjectSource#open(S3ObjectRef, long, String)} when resuming
 * @param versionId the version id when the bucket is versioned, else {@code null}
 * @param lastModified when the object was written, or {@code null} when S3 did not say
 * @param contentType the Content-Type, or {@code null}
 * @param contentEncoding the Content-Encoding, or {@code null}
 */
public record S3ObjectMetadata(
    long size,
    String eTag,
    String versionId,
    Instant lastModified,
    String contentType,
    String contentEncoding) {

  public S3ObjectMetadata {
    if (size < 0) {
      throw new IllegalArgumentException("negative object size " + size);
    }
    Objects.requireNonNull(eTag, "eTag");
  }
}
