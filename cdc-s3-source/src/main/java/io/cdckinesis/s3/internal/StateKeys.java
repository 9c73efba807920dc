package io.cdckinesis.s3.internal;

import io.cdckinesis.s3.S3Location;

/**
 * Where a state document lives: a folder per document, named by its id (readable: ids are paths
 * such as {@code tables/dms-bucket/hq/dbo/customers}), holding one small object per saved revision:
 *
 * <pre>{@code <prefix><id>/r<19 digits>.json}</pre>
 *
 * The digits are {@code Long.MAX_VALUE - revision}, zero-padded, so S3's ascending listing returns
 * the newest revision first: one short LIST finds it, however many revisions there are.
 */
public final class StateKeys {

  private static final int DIGITS = 19;
  private static final String MARK = "/r";
  private static final String SUFFIX = ".json";

  private final S3Location location;

  public StateKeys(S3Location location) {
    this.location = location;
  }

  /** The folder (key prefix) holding every revision of document {@code id}. */
  public String folder(String id) {
    return location.key(id + "/");
  }

  /** The key of revision {@code revision} (1, 2, ...) of document {@code id}. */
  public String key(String id, long revision) {
    if (revision < 1) {
      throw new IllegalArgumentException("revisions start at 1, got " + revision);
    }
    String inverted = Long.toString(Long.MAX_VALUE - revision);
    return folder(id) + "r" + "0".repeat(DIGITS - inverted.length()) + inverted + SUFFIX;
  }

  /** The revision a key of {@link #key} holds, or -1 when it is not such a key. */
  public static long revisionOf(String key) {
    int end = key.length() - SUFFIX.length();
    int start = end - DIGITS;
    if (!key.endsWith(SUFFIX) || start < MARK.length() || !key.startsWith(MARK, start - 2)) {
      return -1;
    }
    try {
      long revision = Long.MAX_VALUE - Long.parseLong(key.substring(start, end));
      return revision >= 1 ? revision : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The document id of a revision key under this location, or null when it is none. */
  public String idOf(String key) {
    if (revisionOf(key) < 1 || !key.startsWith(location.prefix())) {
      return null;
    }
    String rest = key.substring(location.prefix().length());
    int mark = rest.length() - SUFFIX.length() - DIGITS - MARK.length();
    return mark > 0 ? rest.substring(0, mark) : null;
  }
}
