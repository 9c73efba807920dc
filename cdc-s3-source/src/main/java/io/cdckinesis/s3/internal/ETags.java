package io.cdckinesis.s3.internal;

/** ETags in the quoted form S3 returns and expects in If-Match (events carry them unquoted). */
public final class ETags {

  private ETags() {}

  /** {@code abc} and {@code "abc"} both become {@code "abc"}; {@code null} stays {@code null}. */
  public static String quoted(String eTag) {
    if (eTag == null || eTag.isEmpty()) {
      return null;
    }
    if (eTag.startsWith("W/\"")
        || (eTag.length() >= 2 && eTag.startsWith("\"") && eTag.endsWith("\""))) {
      return eTag;
    }
    return "\"" + eTag + "\"";
  }
}
