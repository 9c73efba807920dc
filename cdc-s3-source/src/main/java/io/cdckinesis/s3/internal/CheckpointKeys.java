package io.cdckinesis.s3.internal;

import io.cdckinesis.s3.S3Location;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Where the checkpoint of a source object lives. Each object's checkpoints are a folder named by
 * the SHA-256 of its URI (URL-safe base64, 43 characters: safe for any key, whatever its length or
 * characters), holding one small object per saved revision:
 *
 * <pre>{@code <prefix><sha256-of-uri>/<file name>.r<19 digits>.json}</pre>
 *
 * The file name is the source key's last segment, reduced to {@code [A-Za-z0-9._-]} and 100
 * characters, only for people browsing the bucket. The digits are {@code Long.MAX_VALUE -
 * revision}, zero-padded, so S3's ascending listing returns the newest revision first: one LIST
 * with max-keys 1 finds it, however many revisions there are.
 */
public final class CheckpointKeys {

  private static final int MAX_NAME = 100;
  private static final int DIGITS = 19;
  private static final String SUFFIX = ".json";

  private final S3Location location;

  public CheckpointKeys(S3Location location) {
    this.location = location;
  }

  /** The folder holding every revision of the checkpoint of {@code objectUri}. */
  public String folder(String objectUri) {
    return location.key(hash(objectUri) + "/");
  }

  /** The key of revision {@code revision} (1, 2, ...) of the checkpoint of {@code objectUri}. */
  public String key(String objectUri, long revision) {
    if (revision < 1) {
      throw new IllegalArgumentException("revisions start at 1, got " + revision);
    }
    String inverted = Long.toString(Long.MAX_VALUE - revision);
    return folder(objectUri)
        + readableName(objectUri)
        + ".r"
        + "0".repeat(DIGITS - inverted.length())
        + inverted
        + SUFFIX;
  }

  /** The revision a key of {@link #key} holds, or -1 when it is not such a key. */
  public static long revisionOf(String key) {
    int end = key.length() - SUFFIX.length();
    int start = end - DIGITS;
    if (!key.endsWith(SUFFIX) || start < 2 || !key.startsWith(".r", start - 2)) {
      return -1;
    }
    try {
      long revision = Long.MAX_VALUE - Long.parseLong(key.substring(start, end));
      return revision >= 1 ? revision : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

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
