package io.cdckinesis.s3.internal;

/** Reads the whole object's size from a {@code Content-Range: bytes 100-199/1000} header. */
public final class ContentRanges {

  private ContentRanges() {}

  /**
   * The total after the slash, or {@code fallback} when there is no Content-Range (a whole-object
   * response, whose Content-Length is the size) or the total is unknown ({@code *}).
   */
  public static long totalSize(String contentRange, long fallback) {
    if (contentRange == null) {
      return fallback;
    }
    int slash = contentRange.lastIndexOf('/');
    if (slash < 0) {
      return fallback;
    }
    String total = contentRange.substring(slash + 1).trim();
    try {
      return Long.parseLong(total);
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
