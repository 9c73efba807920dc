package io.cdckinesis.s3;

import java.util.Objects;

/**
 * One S3 object, optionally one version of it.
 *
 * @param bucket the bucket name
 * @param key the object key, decoded (not the URL-encoded form of an S3 event; see {@link
 *     S3EventKeys#decode})
 * @param versionId the version to read, or {@code null} for the current one
 */
public record S3ObjectRef(String bucket, String key, String versionId) {

  private static final String SCHEME = "s3://";

  public S3ObjectRef {
    if (bucket == null || bucket.isEmpty() || bucket.contains("/")) {
      throw new IllegalArgumentException("invalid bucket name: " + bucket);
    }
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("empty object key in bucket " + bucket);
    }
    if (versionId != null && versionId.isEmpty()) {
      versionId = null;
    }
  }

  /** The current version of {@code bucket/key}. */
  public static S3ObjectRef of(String bucket, String key) {
    return new S3ObjectRef(bucket, key, null);
  }

  /**
   * Parses {@code s3://bucket/key} (the key as is, not percent-encoded, like the AWS CLI writes
   * it).
   *
   * @throws IllegalArgumentException when {@code uri} is not of that form
   */
  public static S3ObjectRef parse(String uri) {
    Objects.requireNonNull(uri, "uri");
    if (!uri.startsWith(SCHEME)) {
      throw new IllegalArgumentException("not an s3:// URI: " + uri);
    }
    int slash = uri.indexOf('/', SCHEME.length());
    if (slash < 0 || slash == uri.length() - 1) {
      throw new IllegalArgumentException("s3 URI has no object key: " + uri);
    }
    return of(uri.substring(SCHEME.length(), slash), uri.substring(slash + 1));
  }

  /** {@code s3://bucket/key}: the object URI used in positions, checkpoints and messages. */
  public String uri() {
    return SCHEME + bucket + "/" + key;
  }

  /** The same object with a version pinned. */
  public S3ObjectRef withVersionId(String version) {
    return new S3ObjectRef(bucket, key, version);
  }

  @Override
  public String toString() {
    return versionId == null ? uri() : uri() + " (version " + versionId + ")";
  }
}
