package io.cdckinesis.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The parts of the key (or local path) of a DMS data file: {@code
 * [BucketFolder/]<schema>/<table>/[date folders/]<file>} for per-table files, {@code
 * [BucketFolder/]<schema>/<table>/<partition>/LOAD<hex>.csv} for the full load of a table loaded in
 * parallel by partitions or named segments, and {@code [BucketFolder/]<CdcPath>/CDC_TXN-<time>.csv}
 * for transaction files.
 *
 * <p>Where the DMS output starts decides between {@code dbo/sales/p2024/LOAD00000001.csv} as the
 * partition {@code p2024} of {@code dbo.sales} and as table {@code sales.p2024} under a folder
 * {@code dbo}. It is known (the layout below it is then exact) when the settings say it:
 *
 * <ul>
 *   <li>S3 keys: {@code BucketFolder}, or the bucket root when the settings name the bucket ({@code
 *       BucketName}, which {@code describe-endpoints} always prints) without a {@code BucketFolder}
 *       (DMS then writes {@code <schema>/<table>/} at the root);
 *   <li>local paths: the {@code BucketFolder} folders found in the path, or else a folder named
 *       {@code BucketName} (a copy made with {@code aws s3 sync s3://bucket ./bucket}).
 * </ul>
 *
 * <p>Otherwise (settings without either, or a local path in which neither is found) the last two
 * folders above the file are the schema and the table, whatever is above them, and partition
 * folders are not recognised: {@code x/dbo/sales/LOAD00000001.csv} is {@code dbo.sales}, and so is
 * {@code dbo/sales/LOAD00000001.csv}, but {@code dbo/sales/p2024/LOAD00000001.csv} reads as table
 * {@code sales.p2024}.
 *
 * <p>Keys order as DMS writes them ({@link #compareTo}): by table (CDC_TXN files, which hold
 * several tables, last), then in DMS file order ({@link DmsFileName}), then by key.
 *
 * @param key the key or path as given (already URL-decoded)
 * @param prefix the folders before the schema (the bucket folder, or the path's parent folders),
 *     empty when none
 * @param table the table, or {@code null} for CDC_TXN files (they hold several tables)
 * @param partition the partition or segment folder of a parallel full load ({@code p2024} in {@code
 *     dbo/sales/p2024/LOAD00000001.csv}), or {@code null}; its files belong to the table
 * @param datePartition the date folders of a date-partitioned CDC path, e.g. {@code 2024/08/09}, or
 *     {@code null}
 * @param fileName the file name and its place in DMS order
 */
public record DmsObjectKey(
    String key,
    String prefix,
    TableId table,
    String partition,
    String datePartition,
    DmsFileName fileName)
    implements Comparable<DmsObjectKey> {

  private static final Comparator<DmsObjectKey> ORDER =
      Comparator.comparing(
              DmsObjectKey::table, Comparator.nullsLast(Comparator.<TableId>naturalOrder()))
          .thenComparing(DmsObjectKey::fileName)
          .thenComparing(DmsObjectKey::key);

  public DmsObjectKey {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(fileName, "fileName");
    if (table == null && fileName.kind() != DmsFileKind.CDC_TXN) {
      throw new IllegalArgumentException("only CDC_TXN files have no table: " + key);
    }
    if (partition != null && (partition.isEmpty() || !inPartitionFolder(fileName))) {
      throw new IllegalArgumentException(
          "only LOAD<hex>.csv files sit in a partition folder: " + key);
    }
  }

  /** A key without a partition folder. */
  public DmsObjectKey(
      String key, String prefix, TableId table, String datePartition, DmsFileName fileName) {
    this(key, prefix, table, null, datePartition, fileName);
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
   * Parses a local path ({@code .../<schema>/<table>/<file>}); the folders above the schema need
   * not hold {@code BucketFolder}, but when they do it tells where the DMS layout starts.
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

  /** DMS order: by table (CDC_TXN files last), then by file name in DMS order, then by key. */
  @Override
  public int compareTo(DmsObjectKey other) {
    return ORDER.compare(this, other);
  }

  /** Only {@code LOAD<hex>.csv} files are written in partition folders. */
  private static boolean inPartitionFolder(DmsFileName f) {
    return f.kind() == DmsFileKind.FULL_LOAD && f.segment() == 0;
  }

  private static DmsObjectKey parse(String key, DmsCsvSettings settings, boolean s3Key) {
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
                        key, "file name " + name + " is none of " + DmsFileName.NAME_FORMS));
    for (String p : parts) {
      if (p.isEmpty()) {
        throw new NotDmsObjectException(key, "empty folder name");
      }
    }
    if (fileName.kind() == DmsFileKind.CDC_TXN) {
      String prefix = String.join("/", parts);
      if (s3Key && settings.cdcPath() != null && !endsWithFolder(prefix, settings.cdcPath())) {
        throw new NotDmsObjectException(key, "CDC_TXN file outside CdcPath " + settings.cdcPath());
      }
      return new DmsObjectKey(key, prefix, null, null, null, fileName);
    }
    String datePartition = null;
    if (settings.datePartitionEnabled() && fileName.kind() == DmsFileKind.CDC) {
      datePartition = takeDatePartition(key, parts, settings);
    }
    int start = s3Key ? s3Start(key, parts, settings) : localStart(parts, fileName, settings);
    if (start < 0) { // where the layout starts is unknown: the last two folders
      if (parts.size() < 2) {
        throw new NotDmsObjectException(key, "expected <schema>/<table>/" + name);
      }
      start = parts.size() - 2;
    }
    List<String> layout = parts.subList(start, parts.size());
    String prefix = String.join("/", parts.subList(0, start));
    if (layout.size() == 2) {
      return new DmsObjectKey(
          key, prefix, TableId.of(layout.get(0), layout.get(1)), null, datePartition, fileName);
    }
    if (layout.size() == 3 && inPartitionFolder(fileName)) {
      return new DmsObjectKey(
          key, prefix, TableId.of(layout.get(0), layout.get(1)), layout.get(2), null, fileName);
    }
    throw new NotDmsObjectException(key, "expected " + expected(settings, fileName, prefix));
  }

  /** What the layout should have been, for messages. */
  private static String expected(DmsCsvSettings settings, DmsFileName fileName, String prefix) {
    String below =
        "<schema>/<table>/"
            + (inPartitionFolder(fileName) ? "[<partition>/]" : "")
            + (fileName.kind() == DmsFileKind.CDC && settings.datePartitionEnabled()
                ? "<date folders>/"
                : "")
            + fileName.name();
    if (settings.bucketFolder() != null) {
      return below + " under BucketFolder " + settings.bucketFolder();
    }
    return prefix.isEmpty()
        ? below
            + " at the bucket root (BucketFolder is not set: if DMS writes under a folder,"
            + " give BucketFolder)"
        : below + " under " + prefix;
  }

  /**
   * Where the DMS layout starts in an S3 key: after BucketFolder, or else at the bucket's root,
   * where DMS writes when no BucketFolder is set.
   */
  private static int s3Start(String key, List<String> parts, DmsCsvSettings settings) {
    String folder = settings.bucketFolder();
    if (folder == null) {
      return 0;
    }
    List<String> segments = Arrays.asList(folder.split("/"));
    if (parts.size() < segments.size() || !parts.subList(0, segments.size()).equals(segments)) {
      throw new NotDmsObjectException(
          key, "not under BucketFolder " + folder + " (schema/table misplaced?)");
    }
    return segments.size();
  }

  /**
   * Where the DMS layout starts in a local path: after the first occurrence of the BucketFolder
   * folders (or else of a folder named BucketName) below which the layout fits; -1 when none.
   */
  private static int localStart(List<String> parts, DmsFileName f, DmsCsvSettings settings) {
    List<String> anchor;
    if (settings.bucketFolder() != null) {
      anchor = Arrays.asList(settings.bucketFolder().split("/"));
    } else if (settings.bucketName() != null) {
      anchor = List.of(settings.bucketName());
    } else {
      return -1;
    }
    for (int i = 0; i + anchor.size() <= parts.size(); i++) {
      if (parts.subList(i, i + anchor.size()).equals(anchor)) {
        int below = parts.size() - i - anchor.size();
        if (below == 2 || below == 3 && inPartitionFolder(f)) {
          return i + anchor.size();
        }
      }
    }
    return -1;
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
