package io.cdckinesis.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The parts of the key (or local path) of a DMS data file: {@code
 * [BucketFolder/]<schema>/<table>/[date folders/]<file>} for per-table files and {@code
 * [BucketFolder/]<CdcPath>/CDC_TXN-<time>.csv} for transaction files.
 *
 * @param key the key or path as given (already URL-decoded)
 * @param prefix the folders before the schema (the bucket folder, or the path's parent folders),
 *     empty when none
 * @param table the table, or {@code null} for CDC_TXN files (they hold several tables)
 * @param datePartition the date folders of a date-partitioned CDC path, e.g. {@code 2024/08/09}, or
 *     {@code null}
 * @param fileName the file name and its place in DMS order
 */
public record DmsObjectKey(
    String key, String prefix, TableId table, String datePartition, DmsFileName fileName) {

  public DmsObjectKey {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(fileName, "fileName");
    if (table == null && fileName.kind() != DmsFileKind.CDC_TXN) {
      throw new IllegalArgumentException("only CDC_TXN files have no table: " + key);
    }
  }

  /**
   * Parses an S3 object key. When {@code BucketFolder} is set, the key must start with it.
   *
   * @throws NotDmsObjectException when the key does not follow the DMS layout for these settings
   */
  public static DmsObjectKey parse(String key, DmsCsvSettings settings) {
    return parse(key, settings, true);
  }

  /**
   * Parses a local path ({@code .../<schema>/<table>/<file>}); the folders above the schema are not
   * checked against {@code BucketFolder}.
   *
   * @throws NotDmsObjectException when the path does not follow the DMS layout
   */
  public static DmsObjectKey parsePath(String path, DmsCsvSettings settings) {
    return parse(path.replace('\\', '/'), settings, false);
  }

  /** The file kind: full load, CDC or CDC_TXN. */
  public DmsFileKind kind() {
    return fileName.kind();
  }

  /** Whether the name says the file is gzip-compressed ({@code .gz}). */
  public boolean compressed() {
    return fileName.compressed();
  }

  private static DmsObjectKey parse(String key, DmsCsvSettings settings, boolean checkFolder) {
    Objects.requireNonNull(key, "key");
    List<String> parts = new ArrayList<>(Arrays.asList(key.split("/", -1)));
    while (parts.size() > 1 && parts.get(0).isEmpty()) { // leading slash of an absolute path
      parts.remove(0);
    }
    String name = parts.remove(parts.size() - 1);
    DmsFileName fileName =
        DmsFileName.parse(name)
            .orElseThrow(
                () ->
                    new NotDmsObjectException(
                        key,
                        "file name "
                            + name
                            + " is none of LOAD<hex>.csv, <yyyyMMdd-HHmmssSSS>.csv,"
                            + " CDC_TXN-<yyyyMMddHHmmssSSS>.csv (optionally .gz)"));
    for (String p : parts) {
      if (p.isEmpty()) {
        throw new NotDmsObjectException(key, "empty folder name");
      }
    }
    if (fileName.kind() == DmsFileKind.CDC_TXN) {
      String prefix = String.join("/", parts);
      if (checkFolder
          && settings.cdcPath() != null
          && !endsWithFolder(prefix, settings.cdcPath())) {
        throw new NotDmsObjectException(key, "CDC_TXN file outside CdcPath " + settings.cdcPath());
      }
      return new DmsObjectKey(key, prefix, null, null, fileName);
    }
    String datePartition = null;
    if (settings.datePartitionEnabled() && fileName.kind() == DmsFileKind.CDC) {
      datePartition = takeDatePartition(key, parts, settings);
    }
    if (parts.size() < 2) {
      throw new NotDmsObjectException(key, "expected <schema>/<table>/" + name);
    }
    String table = parts.remove(parts.size() - 1);
    String schema = parts.remove(parts.size() - 1);
    String prefix = String.join("/", parts);
    if (checkFolder && settings.bucketFolder() != null && !startsWithFolder(prefix, settings)) {
      throw new NotDmsObjectException(
          key, "not under BucketFolder " + settings.bucketFolder() + " (schema/table misplaced?)");
    }
    return new DmsObjectKey(key, prefix, TableId.of(schema, table), datePartition, fileName);
  }

  private static boolean startsWithFolder(String prefix, DmsCsvSettings settings) {
    String folder = settings.bucketFolder();
    return prefix.equals(folder) || prefix.startsWith(folder + "/");
  }

  private static boolean endsWithFolder(String prefix, String folder) {
    return prefix.equals(folder) || prefix.endsWith("/" + folder);
  }

  private static String takeDatePartition(String key, List<String> parts, DmsCsvSettings s) {
    int[] widths = s.datePartitionSequence().widths();
    int total = 0;
    for (int w : widths) {
      total += w;
    }
    String delimiter = s.datePartitionDelimiter().text();
    List<String> taken = new ArrayList<>();
    if (s.datePartitionDelimiter() == DatePartitionDelimiter.SLASH) {
      if (parts.size() < widths.length) {
        throw new NotDmsObjectException(key, "missing date partition folders");
      }
      for (int i = widths.length - 1; i >= 0; i--) {
        String p = parts.remove(parts.size() - 1);
        if (p.length() != widths[i] || !isDigits(p)) {
          throw new NotDmsObjectException(
              key, "folder " + p + " is not a " + s.datePartitionSequence() + " date part");
        }
        taken.add(0, p);
      }
      return String.join("/", taken);
    }
    if (parts.isEmpty()) {
      throw new NotDmsObjectException(key, "missing date partition folder");
    }
    String p = parts.remove(parts.size() - 1);
    String digits = delimiter.isEmpty() ? p : p.replace(delimiter, "");
    int expectedLength = total + (widths.length - 1) * delimiter.length();
    if (p.length() != expectedLength || digits.length() != total || !isDigits(digits)) {
      throw new NotDmsObjectException(
          key, "folder " + p + " is not a " + s.datePartitionSequence() + " date partition");
    }
    return p;
  }

  private static boolean isDigits(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return !s.isEmpty();
  }
}
