package io.cdckinesis.core;

import java.util.Optional;

/**
 * The name of a DMS data file and its place in DMS output order: all full-load files (by their
 * hexadecimal counter) before all change files (by the time in their name).
 *
 * @param name the file name as written, e.g. {@code 20190118-184518184.csv.gz}
 * @param kind full load, CDC or CDC_TXN
 * @param sequence the ordering part: the 8-digit hex counter for full load, the timestamp digits
 *     (date then time, right-padded to 20 digits) for change files
 * @param compressed whether the name ends in {@code .gz}
 */
public record DmsFileName(String name, DmsFileKind kind, String sequence, boolean compressed)
    implements Comparable<DmsFileName> {

  private static final String LOAD_PREFIX = "LOAD";
  private static final String TXN_PREFIX = "CDC_TXN-";
  private static final int TIMESTAMP_WIDTH = 20;

  /**
   * Parses a file name (the last segment of a key or path).
   *
   * @return empty when the name is not a DMS CSV data file name
   */
  public static Optional<DmsFileName> parse(String fileName) {
    String base = fileName;
    boolean gz = false;
    if (base.endsWith(".gz")) {
      gz = true;
      base = base.substring(0, base.length() - 3);
    }
    if (!base.endsWith(".csv")) {
      return Optional.empty();
    }
    base = base.substring(0, base.length() - 4);
    if (base.startsWith(LOAD_PREFIX)) {
      String counter = base.substring(LOAD_PREFIX.length());
      if (counter.length() >= 8 && isHex(counter)) {
        String padded = "0".repeat(Math.max(0, 16 - counter.length())) + counter.toUpperCase();
        return Optional.of(new DmsFileName(fileName, DmsFileKind.FULL_LOAD, padded, gz));
      }
      return Optional.empty();
    }
    if (base.startsWith(TXN_PREFIX)) {
      String stamp = base.substring(TXN_PREFIX.length());
      if (stamp.length() >= 14 && isDigits(stamp)) {
        return Optional.of(new DmsFileName(fileName, DmsFileKind.CDC_TXN, pad(stamp), gz));
      }
      return Optional.empty();
    }
    int dash = base.indexOf('-');
    if (dash == 8 && base.length() > 9) {
      String date = base.substring(0, 8);
      String time = base.substring(9);
      if (isDigits(date) && isDigits(time) && time.length() >= 6) {
        return Optional.of(new DmsFileName(fileName, DmsFileKind.CDC, pad(date + time), gz));
      }
    }
    return Optional.empty();
  }

  /** The name of the file at the end of a key, URI or path ({@code /} or {@code \} separated). */
  public static Optional<DmsFileName> parseLastSegment(String keyOrPath) {
    int slash = Math.max(keyOrPath.lastIndexOf('/'), keyOrPath.lastIndexOf('\\'));
    return parse(keyOrPath.substring(slash + 1));
  }

  @Override
  public int compareTo(DmsFileName other) {
    int c = Integer.compare(rank(kind), rank(other.kind));
    if (c != 0) {
      return c;
    }
    c = sequence.compareTo(other.sequence);
    return c != 0 ? c : name.compareTo(other.name);
  }

  private static int rank(DmsFileKind kind) {
    return kind == DmsFileKind.FULL_LOAD ? 0 : 1;
  }

  private static String pad(String digits) {
    if (digits.length() >= TIMESTAMP_WIDTH) {
      return digits;
    }
    return digits + "0".repeat(TIMESTAMP_WIDTH - digits.length());
  }

  private static boolean isDigits(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return !s.isEmpty();
  }

  private static boolean isHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.digit(s.charAt(i), 16) < 0) {
        return false;
      }
    }
    return !s.isEmpty();
  }
}
