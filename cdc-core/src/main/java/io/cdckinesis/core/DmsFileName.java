package io.cdckinesis.core;

import java.util.Comparator;
import java.util.Optional;

/**
 * The name of a DMS data file and its place in DMS output order: all full-load files (by their
 * hexadecimal counter) before all change files (by the time in their name). This is the one home of
 * DMS file order: sort keys, URIs or paths with {@link #LOCATION_ORDER}, names with {@link
 * #compareTo}.
 *
 * <p>Full-load files are {@code LOAD<hex>.csv} and, with parallel load ({@code parallel-load} table
 * settings, ranges without segment names), {@code SEGMENT<n>_LOAD<hex>.csv}. Among a table's
 * full-load files the order is total (counter, then name) but carries no meaning: DMS does not
 * define the order of rows across segments or partitions, and a row is in only one of them.
 *
 * @param name the file name as written, e.g. {@code 20190118-184518184.csv.gz}
 * @param kind full load, CDC or CDC_TXN
 * @param sequence the ordering part: the 8-digit hex counter for full load, the timestamp digits
 *     (date then time, right-padded to 20 digits) for change files
 * @param compressed whether the name ends in {@code .gz}
 */
public record DmsFileName(String name, DmsFileKind kind, String sequence, boolean compressed)
    implements Comparable<DmsFileName> {

  /**
   * DMS order of keys, URIs or paths ({@code /} or {@code \} separated): by the DMS file name at
   * their end (names that are not DMS file names first), then by the whole string, so that the
   * order is total (partition folders and copies of one name in two places differ there).
   */
  public static final Comparator<String> LOCATION_ORDER =
      Comparator.comparing(
              (String location) -> parseLastSegment(location).orElse(null),
              Comparator.nullsFirst(Comparator.<DmsFileName>naturalOrder()))
          .thenComparing(Comparator.naturalOrder());

  /** The forms of a DMS data file name, for messages. */
  public static final String NAME_FORMS =
      "LOAD<hex>.csv, SEGMENT<n>_LOAD<hex>.csv, <yyyyMMdd-HHmmssSSS>.csv,"
          + " CDC_TXN-<yyyyMMddHHmmssSSS>.csv (optionally .gz)";

  private static final String LOAD_PREFIX = "LOAD";
  private static final String SEGMENT_PREFIX = "SEGMENT";
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
    if (base.startsWith(SEGMENT_PREFIX)) {
      int underscore = base.indexOf('_');
      if (underscore <= SEGMENT_PREFIX.length()
          || !isDigits(base.substring(SEGMENT_PREFIX.length(), underscore))) {
        return Optional.empty();
      }
      return fullLoad(fileName, base.substring(underscore + 1), gz);
    }
    if (base.startsWith(LOAD_PREFIX)) {
      return fullLoad(fileName, base, gz);
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

  /** {@code LOAD<hex>} (the name without extension, after any {@code SEGMENT<n>_}). */
  private static Optional<DmsFileName> fullLoad(String fileName, String load, boolean gz) {
    if (!load.startsWith(LOAD_PREFIX)) {
      return Optional.empty();
    }
    String counter = load.substring(LOAD_PREFIX.length());
    if (counter.length() >= 8 && isHex(counter)) {
      String padded = "0".repeat(Math.max(0, 16 - counter.length())) + counter.toUpperCase();
      return Optional.of(new DmsFileName(fileName, DmsFileKind.FULL_LOAD, padded, gz));
    }
    return Optional.empty();
  }

  /**
   * The segment number of a parallel-load file ({@code SEGMENT3_LOAD00000009.csv}: 3), or 0 for
   * every other file.
   */
  public int segment() {
    if (kind != DmsFileKind.FULL_LOAD || !name.startsWith(SEGMENT_PREFIX)) {
      return 0;
    }
    String digits = name.substring(SEGMENT_PREFIX.length(), name.indexOf('_'));
    try {
      return Integer.parseInt(digits);
    } catch (NumberFormatException e) {
      return Integer.MAX_VALUE; // more digits than any real segment count
    }
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
