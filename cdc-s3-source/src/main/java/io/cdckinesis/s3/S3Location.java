package io.cdckinesis.s3;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A bucket and a key prefix where a store keeps its objects, e.g. {@code s3://state/checkpoints/}.
 *
 * @param bucket the bucket name
 * @param prefix the key prefix: empty, or ending with {@code /} (added when missing; a leading
 *     {@code /} is dropped)
 */
public record S3Location(String bucket, String prefix) {

  /** Leaves room for the keys stores derive under the prefix (S3 keys hold up to 1024 bytes). */
  static final int MAX_PREFIX_BYTES = 512;

  public S3Location {
    if (bucket == null || bucket.length() < 3 || bucket.length() > 63 || bucket.contains("/")) {
      throw new IllegalArgumentException("invalid bucket name: " + bucket);
    }
    prefix = prefix == null ? "" : prefix;
    while (prefix.startsWith("/")) {
      prefix = prefix.substring(1);
    }
    if (!prefix.isEmpty() && !prefix.endsWith("/")) {
      prefix = prefix + "/";
    }
    if (prefix.getBytes(StandardCharsets.UTF_8).length > MAX_PREFIX_BYTES) {
      throw new IllegalArgumentException(
          "key prefix longer than " + MAX_PREFIX_BYTES + " bytes in bucket " + bucket);
    }
  }

  public static S3Location of(String bucket, String prefix) {
    return new S3Location(bucket, prefix);
  }

  /** Parses {@code s3://bucket} or {@code s3://bucket/prefix/}. */
  public static S3Location parse(String uri) {
    Objects.requireNonNull(uri, "uri");
    if (!uri.startsWith("s3://")) {
      throw new IllegalArgumentException("not an s3:// location: " + uri);
    }
    String rest = uri.substring("s3://".length());
    int slash = rest.indexOf('/');
    return slash < 0 ? of(rest, "") : of(rest.substring(0, slash), rest.substring(slash + 1));
  }

  /** The key of {@code name} under this prefix. */
  public String key(String name) {
    return prefix + name;
  }

  /** Whether {@code ref} lies under this location. */
  public boolean contains(S3ObjectRef ref) {
    return ref.bucket().equals(bucket) && ref.key().startsWith(prefix);
  }

  /** {@code s3://bucket/prefix/}. */
  public String uri() {
    return "s3://" + bucket + "/" + prefix;
  }

  @Override
  public String toString() {
    return uri();
  }
}
