package io.cdckinesis.examples.cli;

import io.cdckinesis.core.DmsCsvSettings;
import io.cdckinesis.core.DmsFileName;
import io.cdckinesis.core.DmsObjectKey;
import io.cdckinesis.core.NotDmsObjectException;
import io.cdckinesis.core.TableId;
import io.cdckinesis.s3.S3ObjectRef;
import io.cdckinesis.s3.S3ObjectSource;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Finds DMS data files: local files and folders (walked), and S3 prefixes (listed). Files whose
 * name is not a DMS data file name are passed over inside folders and prefixes; a DMS file name in
 * the wrong place (no schema and table folders, outside {@code BucketFolder}, bad date folders), or
 * a file given by name that is not a DMS file, is a problem. A folder or prefix without any DMS
 * data file stops the command ({@link NoDmsFilesException}), the same way for every command.
 */
final class DmsInputs {

  private static final int LOCAL_BUFFER = 1 << 16;

  /** Names of files passed over that a "nothing found" message shows. */
  private static final int EXAMPLES = 3;

  /** Files passed over (not named like DMS data files): how many, and the first few names. */
  private static final class PassedOver {
    int count;
    final List<String> examples = new ArrayList<>(EXAMPLES);

    void add(String name) {
      if (count++ < EXAMPLES) {
        examples.add(name);
      }
    }
  }

  /** Thrown when a folder or prefix holds no DMS data file: says what it holds instead. */
  static final class NoDmsFilesException extends RuntimeException {
    NoDmsFilesException(String message) {
      super(message);
    }
  }

  /** Thrown when an S3 location cannot be listed: nothing to decide what to send from. */
  static final class ListingException extends RuntimeException {
    ListingException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final DmsCsvSettings settings;
  private final Problems problems;

  DmsInputs(DmsCsvSettings settings, Problems problems) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.problems = Objects.requireNonNull(problems, "problems");
  }

  /**
   * Adds a local file, or the DMS data files below a folder.
   *
   * @param forcedTable the table of every file, or {@code null} to take it from the path
   * @return {@code false} when a problem must stop the command
   */
  boolean addLocal(Path path, TableId forcedTable, List<DmsInput> inputs) {
    if (Files.isDirectory(path)) {
      PassedOver others = new PassedOver();
      int found = 0;
      try (Stream<Path> walk = Files.walk(path)) {
        for (Path f : (Iterable<Path>) walk.sorted()::iterator) {
          if (!Files.isRegularFile(f)) {
            continue;
          }
          if (DmsFileName.parse(f.getFileName().toString()).isEmpty()) {
            others.add(f.getFileName().toString());
            continue;
          }
          found++;
          if (!addLocalFile(f, path, forcedTable, inputs)) {
            return false;
          }
        }
      } catch (IOException | UncheckedIOException e) {
        return problems.problem(path + ": cannot list the folder: " + e.getMessage());
      }
      if (found == 0) {
        throw new NoDmsFilesException(nothingFound(path.toString(), "files", others));
      }
      return true;
    }
    if (!Files.isRegularFile(path)) {
      return problems.problem(path + ": no such file or folder");
    }
    return addLocalFile(path, null, forcedTable, inputs);
  }

  /**
   * @param root the folder the user named, which is where the DMS layout starts when the file's
   *     path below it fits the layout (as the bucket's root does in S3), or null
   */
  private boolean addLocalFile(Path file, Path root, TableId forcedTable, List<DmsInput> inputs) {
    DmsObjectKey key;
    long size;
    try {
      key = localKey(file, root, forcedTable);
      size = Files.size(file);
    } catch (NotDmsObjectException e) {
      return problems.problem(e.getMessage());
    } catch (IOException e) {
      return problems.problem(file + ": cannot read: " + e.getMessage());
    }
    inputs.add(
        new DmsInput(
            file.toString(),
            key,
            size,
            () -> new BufferedInputStream(Files.newInputStream(file), LOCAL_BUFFER)));
    return true;
  }

  private DmsObjectKey localKey(Path file, Path root, TableId forcedTable) {
    String path = file.toString();
    if (forcedTable == null) {
      if (root != null && settings.bucketFolder() == null) {
        // The folder given is the layout's root, as a bucket is: dbo/sales/p2024/LOAD00000001.csv
        // below it is table dbo.sales, partition p2024.
        String relative = root.relativize(file).toString().replace('\\', '/');
        try {
          DmsObjectKey k = DmsObjectKey.parse(relative, settings);
          return new DmsObjectKey(
              path, "", k.table(), k.partition(), k.datePartition(), k.fileName());
        } catch (NotDmsObjectException e) {
          // not laid out from this folder: read the path as a whole below
        }
      }
      return DmsObjectKey.parsePath(path, settings);
    }
    String name = file.getFileName().toString();
    DmsFileName fileName =
        DmsFileName.parse(name)
            .orElseThrow(
                () ->
                    new NotDmsObjectException(
                        path, "file name " + name + " is none of " + DmsFileName.NAME_FORMS));
    return new DmsObjectKey(path, "", forcedTable, null, null, fileName);
  }

  /**
   * Adds the DMS data files under an S3 location, listing every page. The location is a folder
   * ({@code s3://bucket/dms/} or {@code s3://bucket/dms}: keys under {@code dms/}, not {@code
   * dms-old/}), a whole bucket ({@code s3://bucket}), or one object's key.
   *
   * @param pageSize keys per ListObjectsV2 page (S3 returns at most 1000)
   * @return how many DMS data files were found, or -1 when a problem must stop the command
   * @throws ListingException when S3 refuses the listing
   * @throws NoDmsFilesException when the location holds no DMS data file
   */
  int addS3(
      S3Client client,
      S3ObjectSource source,
      S3Prefix location,
      int pageSize,
      List<DmsInput> inputs) {
    int found = 0;
    int named = 0;
    PassedOver others = new PassedOver();
    try {
      Iterable<S3Object> objects =
          client
              .listObjectsV2Paginator(
                  b -> b.bucket(location.bucket()).prefix(location.prefix()).maxKeys(pageSize))
              .contents();
      for (S3Object o : objects) {
        String key = o.key();
        if (!location.covers(key)) {
          continue;
        }
        if (DmsFileName.parseLastSegment(key).isEmpty()) {
          others.add(key.substring(key.lastIndexOf('/') + 1));
          continue;
        }
        named++;
        S3ObjectRef ref = S3ObjectRef.of(location.bucket(), key);
        DmsObjectKey parsed;
        try {
          parsed = s3Key(key, location);
        } catch (NotDmsObjectException e) {
          if (!problems.problem(message(ref, e))) {
            return -1;
          }
          continue;
        }
        long size = o.size() == null ? 0 : o.size();
        inputs.add(new DmsInput(ref.uri(), parsed, size, () -> source.open(ref, 0)));
        found++;
      }
    } catch (S3Exception e) {
      String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
      throw new ListingException(
          location
              + ": cannot list: "
              + (code == null ? "" : code + ", ")
              + "status "
              + e.statusCode()
              + (e.requestId() == null ? "" : ", request id " + e.requestId()),
          e);
    } catch (SdkException e) {
      throw new ListingException(location + ": cannot list: " + e.getMessage(), e);
    }
    if (named == 0) {
      throw new NoDmsFilesException(nothingFound(location.toString(), "objects", others));
    }
    return found;
  }

  /**
   * Reads a listed key as DMS laid it out. Without BucketFolder, the folder the user named is the
   * layout's root, as for a local folder: under {@code s3://bucket/erp/}, {@code
   * erp/HR/EMPLOYEES/20190118-184518184.csv} is table HR.EMPLOYEES. A key that does not fit below
   * the folder is read from the bucket's root.
   */
  private DmsObjectKey s3Key(String key, S3Prefix location) {
    String folder = location.prefix();
    if (settings.bucketFolder() == null && !folder.isEmpty() && !key.equals(folder)) {
      String root = folder.endsWith("/") ? folder : folder + "/";
      try {
        DmsObjectKey k = DmsObjectKey.parse(key.substring(root.length()), settings);
        return new DmsObjectKey(
            key,
            root.substring(0, root.length() - 1),
            k.table(),
            k.partition(),
            k.datePartition(),
            k.fileName());
      } catch (NotDmsObjectException e) {
        // not laid out from this folder: read the key from the bucket's root below
      }
    }
    return DmsObjectKey.parse(key, settings);
  }

  /**
   * {@code no DMS data files under X: found 3 files (a.txt, b.json, c.parquet), none named
   * LOAD<hex>.csv, ...}: what was there instead, so that a wrong folder or a misnamed export shows.
   */
  private String nothingFound(String location, String what, PassedOver others) {
    StringBuilder sb = new StringBuilder("no DMS data files under ").append(location).append(": ");
    if (others.count == 0) {
      sb.append("found no ").append(what).append(" at all");
    } else {
      sb.append("found ").append(others.count).append(' ');
      sb.append(others.count == 1 ? what.substring(0, what.length() - 1) : what);
      sb.append(" (").append(String.join(", ", others.examples));
      sb.append(others.count > EXAMPLES ? ", ...)" : ")");
      sb.append(", none named ").append(DmsFileName.NAME_FORMS);
    }
    sb.append("; DMS writes them in <schema>/<table>/ folders");
    if (settings.bucketFolder() != null) {
      sb.append(" under BucketFolder ").append(settings.bucketFolder());
    }
    return sb.toString();
  }

  /** {@code s3://bucket/key: not a DMS data file: reason}. */
  private static String message(S3ObjectRef ref, NotDmsObjectException e) {
    String message = e.getMessage();
    return message.startsWith(e.key())
        ? ref.uri() + message.substring(e.key().length())
        : ref.uri() + ": " + message;
  }
}
