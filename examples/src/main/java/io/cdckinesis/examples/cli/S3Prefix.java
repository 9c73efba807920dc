package io.cdckinesis.examples.cli;

import java.util.Objects;

/**
 * An S3 location given on the command line: {@code s3://bucket}, {@code s3://bucket/folder/},
 * {@code s3://bucket/folder} (the same folder) or {@code s3://bucket/key} (one object).
 *
 * @param bucket the bucket
 * @param prefix the key prefix as given, without a leading {@code /}; empty for the whole bucket
 */
record S3Prefix(String bucket, String prefix) {

  private static final String SCHEME = "s3://";

  S3Prefix {
    Objects.requireNonNull(prefix, "prefix");
    if (bucket == null || bucket.length() < 3 || bucket.length() > 63 || bucket.contains("/")) {
      throw new IllegalArgumentException("invalid bucket name: " + bucket);
    }
  }

  static boolean isS3(String source) {
    return source.startsWith(SCHEME);
  }

  /**
   * Parses {@code s3://bucket[/prefix]}.
   *
   * @throws IllegalArgumentException when it is not of that form
   */
  static S3Prefix parse(String uri) {
    if (!isS3(uri)) {
      throw new IllegalArgumentException("not an s3:// location: " + uri);
    }
    String rest = uri.substring(SCHEME.length());
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String prefix = slash < 0 ? "" : rest.substring(slash + 1);
    while (prefix.startsWith("/")) {
      prefix = prefix.substring(1);
    }
    if (bucket.isEmpty()) {
      throw new IllegalArgumentException("no bucket in " + uri);
    }
    return new S3Prefix(bucket, prefix);
  }

  /**
   * Whether a listed key belongs to this location: a prefix without a trailing {@code /} is a
   * folder or one object, so {@code dms} covers {@code dms} and {@code dms/...} but not {@code
   * dms-old/...}.
   */
  boolean covers(String key) {
    if (prefix.isEmpty() || prefix.endsWith("/")) {
      return key.startsWith(prefix);
    }
    return key.equals(prefix) || key.startsWith(prefix + "/");
  }

  @Override
  public String toString() {
    return SCHEME + bucket + "/" + prefix;
  }
}
