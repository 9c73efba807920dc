package io.cdckinesis.s3.internal;

import io.cdckinesis.s3.S3Location;
import io.cdckinesis.s3.S3ObjectRef;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Where the rejects of a source object go. The source's bucket and key are mirrored under the
 * prefix, so a DMS file's rejects sit beside its schema and table folders:
 *
 * <pre>{@code <prefix><source bucket>/<source key>.<run id>.<part, 5 digits>.rejects.jsonl}</pre>
 *
 * e.g. {@code rejects/dms-out/dbo/Customer/LOAD00000001.csv.3f1c0e2a.00001.rejects.jsonl}. A source
 * key too long for that (S3 keys hold 1024 bytes) goes to {@code <prefix><source
 * bucket>/_long/<sha256 of the URI>/<file name>...} instead. A source that is not an {@code s3://}
 * URI (a local file) goes under {@code <prefix>_local/}.
 */
public final class RejectKeys {

  private static final int MAX_KEY_BYTES = 1024;
  private static final String SUFFIX = ".rejects.jsonl";

  private final S3Location location;

  public RejectKeys(S3Location location) {
    this.location = location;
  }

  /** The common start of the keys of every rejects part of {@code objectUri}. */
  public String keyPrefix(String objectUri) {
    String mirrored = mirror(objectUri) + ".";
    // Room for "<run id up to 64>.<part>.rejects.jsonl".
    if (location.key(mirrored).getBytes(StandardCharsets.UTF_8).length + 100 > MAX_KEY_BYTES) {
      String bucket = bucketOf(objectUri);
      return location.key(
          bucket + "/_long/" + hash(objectUri) + "/" + readableName(objectUri) + ".");
    }
    return location.key(mirrored);
  }

  /** The key of part {@code part} (1, 2, ...) written by run {@code runId}. */
  public String key(String objectUri, String runId, int part) {
    return keyPrefix(objectUri) + runId + "." + String.format("%05d", part) + SUFFIX;
  }

  private static String mirror(String objectUri) {
    try {
      S3ObjectRef ref = S3ObjectRef.parse(objectUri);
      return ref.bucket() + "/" + ref.key();
    } catch (IllegalArgumentException notS3) {
      String path = objectUri.replace('\\', '/');
      while (path.startsWith("/")) {
        path = path.substring(1);
      }
      return "_local/" + path;
    }
  }

  private static String bucketOf(String objectUri) {
    try {
      return S3ObjectRef.parse(objectUri).bucket();
    } catch (IllegalArgumentException notS3) {
      return "_local";
    }
  }

  private static final int MAX_NAME = 100;

  static String hash(String objectUri) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(objectUri.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  static String readableName(String objectUri) {
    String name = objectUri.substring(objectUri.lastIndexOf('/') + 1);
    StringBuilder sb = new StringBuilder(Math.min(name.length(), MAX_NAME));
    for (int i = 0; i < name.length() && sb.length() < MAX_NAME; i++) {
      char c = name.charAt(i);
      boolean safe =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-';
      sb.append(safe ? c : '_');
    }
    return sb.isEmpty() ? "_" : sb.toString();
  }
}
