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
 * a file given by name that is not a DMS file, is a problem.
 */
final class DmsInputs {

  private static final int LOCAL_BUFFER = 1 << 16;

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
      try (Stream<Path> walk = Files.walk(path)) {
        for (Path f : (Iterable<Path>) walk.sorted()::iterator) {
          if (Files.isRegularFile(f) && DmsFileName.parse(f.getFileName().toString()).isPresent()) {
            if (!addLocalFile(f, forcedTable, inputs)) {
              return false;
            }
          }
        }
        return true;
      } catch (IOException | UncheckedIOException e) {
        return problems.problem(path + ": cannot list the folder: " + e.getMessage());
      }
    }
    if (!Files.isRegularFile(path)) {
      return problems.problem(path + ": no such file or folder");
    }
    return addLocalFile(path, forcedTable, inputs);
  }

  private boolean addLocalFile(Path file, TableId forcedTable, List<DmsInput> inputs) {
    DmsObjectKey key;
    long size;
    try {
      key = localKey(file, forcedTable);
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

  private DmsObjectKey localKey(Path file, TableId forcedTable) {
    String path = file.toString();
    if (forcedTable == null) {
      return DmsObjectKey.parsePath(path, settings);
    }
    String name = file.getFileName().toString();
    DmsFileName fileName =
        DmsFileName.parse(name)
            .orElseThrow(
                () ->
                    new NotDmsObjectException(
                        path,
                        "file name "
                            + name
                            + " is none of LOAD<hex>.csv, <yyyyMMdd-HHmmssSSS>.csv,"
                            + " CDC_TXN-<yyyyMMddHHmmssSSS>.csv (optionally .gz)"));
    return new DmsObjectKey(path, "", forcedTable, null, fileName);
  }

  /**
   * Adds the DMS data files under an S3 location, listing every page. The location is a folder
   * ({@code s3://bucket/dms/} or {@code s3://bucket/dms}: keys under {@code dms/}, not {@code
   * dms-old/}), a whole bucket ({@code s3://bucket}), or one object's key.
   *
   * @param pageSize keys per ListObjectsV2 page (S3 returns at most 1000)
   * @return how many DMS data files were found, or -1 when a problem must stop the command
   * @throws ListingException when S3 refuses the listing
   */
  int addS3(
      S3Client client,
      S3ObjectSource source,
      S3Prefix location,
      int pageSize,
      List<DmsInput> inputs) {
    int found = 0;
    try {
      Iterable<S3Object> objects =
          client
              .listObjectsV2Paginator(
                  b -> b.bucket(location.bucket()).prefix(location.prefix()).maxKeys(pageSize))
              .contents();
      for (S3Object o : objects) {
        String key = o.key();
        if (!location.covers(key) || DmsFileName.parseLastSegment(key).isEmpty()) {
          continue;
        }
        S3ObjectRef ref = S3ObjectRef.of(location.bucket(), key);
        DmsObjectKey parsed;
        try {
          parsed = DmsObjectKey.parse(key, settings);
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
    return found;
  }

  /** {@code s3://bucket/key: not a DMS data file: reason}. */
  private static String message(S3ObjectRef ref, NotDmsObjectException e) {
    String message = e.getMessage();
    return message.startsWith(e.key())
        ? ref.uri() + message.substring(e.key().length())
        : ref.uri() + ": " + message;
  }
}
