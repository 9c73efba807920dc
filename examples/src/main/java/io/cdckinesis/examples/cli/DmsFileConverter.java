package io.cdckinesis.examples.cli;

import io.cdckinesis.core.BadInputException;
import io.cdckinesis.core.BadRowPolicy;
import io.cdckinesis.core.CdcException;
import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.DmsCsvReader;
import io.cdckinesis.core.DmsCsvSettings;
import io.cdckinesis.core.DmsFileName;
import io.cdckinesis.core.DmsFileReader;
import io.cdckinesis.core.DmsObjectKey;
import io.cdckinesis.core.EnvelopeCodec;
import io.cdckinesis.core.NotDmsObjectException;
import io.cdckinesis.core.Operation;
import io.cdckinesis.core.TableDefinitions;
import io.cdckinesis.core.TableId;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Converts local DMS files to envelopes, one JSON per line, in DMS order per table. Problems are
 * reported on the error writer as {@code PATH:LINE: REASON: detail} (never with row values); with
 * {@link BadRowPolicy#FAIL} the first one stops the conversion.
 */
final class DmsFileConverter {

  /** What a conversion did. */
  static final class Result {
    int files;
    long records;
    int problems;
    boolean failed;
    final Map<TableId, Map<Operation, Long>> perTable = new TreeMap<>();

    void count(ChangeRecord r) {
      records++;
      perTable
          .computeIfAbsent(r.tableId(), t -> new EnumMap<>(Operation.class))
          .merge(r.operation(), 1L, Long::sum);
    }
  }

  private record Input(Path path, DmsObjectKey key) {}

  private static final Comparator<Input> DMS_ORDER =
      Comparator.comparing(
              (Input i) -> i.key().table(), Comparator.nullsLast(Comparator.naturalOrder()))
          .thenComparing(i -> i.key().fileName())
          .thenComparing(i -> i.path().toString());

  private final DmsCsvSettings settings;
  private final BadRowPolicy policy;
  private final TableId forcedTable;
  private final PrintWriter err;
  private final DmsCsvReader reader;
  private final EnvelopeCodec codec = EnvelopeCodec.create();
  private Result result;

  /**
   * @param forcedTable the table of every file, or {@code null} to take it from the path
   */
  DmsFileConverter(
      DmsCsvSettings settings,
      TableDefinitions tables,
      BadRowPolicy policy,
      TableId forcedTable,
      PrintWriter err) {
    this.settings = settings;
    this.policy = policy;
    this.forcedTable = forcedTable;
    this.err = err;
    this.reader =
        DmsCsvReader.builder()
            .settings(settings)
            .tables(tables)
            .badRowPolicy(policy)
            .rejectSink(row -> report(row.toException().getMessage()))
            .build();
  }

  /**
   * Converts the files (folders are walked for DMS data files) and writes their envelopes.
   *
   * @throws IOException when the output cannot be written
   */
  Result convert(List<Path> paths, OutputStream out) throws IOException {
    result = new Result();
    List<Input> inputs = new ArrayList<>();
    for (Path p : paths) {
      if (!collect(p, inputs)) {
        return result;
      }
    }
    inputs.sort(DMS_ORDER);
    for (Input input : inputs) {
      if (!convert(input, out)) {
        break;
      }
    }
    out.flush();
    return result;
  }

  private boolean collect(Path path, List<Input> inputs) {
    if (Files.isDirectory(path)) {
      try (Stream<Path> walk = Files.walk(path)) {
        for (Path f : (Iterable<Path>) walk.sorted()::iterator) {
          if (Files.isRegularFile(f) && DmsFileName.parse(f.getFileName().toString()).isPresent()) {
            if (!add(f, inputs)) {
              return false;
            }
          }
        }
        return true;
      } catch (IOException | UncheckedIOException e) {
        return problem(path + ": cannot list the folder: " + e.getMessage());
      }
    }
    if (!Files.isRegularFile(path)) {
      return problem(path + ": no such file or folder");
    }
    return add(path, inputs);
  }

  private boolean add(Path file, List<Input> inputs) {
    try {
      inputs.add(new Input(file, key(file)));
      return true;
    } catch (NotDmsObjectException e) {
      return problem(e.getMessage());
    }
  }

  private DmsObjectKey key(Path file) {
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

  /** Converts one file; {@code false} when the conversion must stop. */
  private boolean convert(Input input, OutputStream out) throws IOException {
    String uri = input.path().toString();
    try (InputStream in = Files.newInputStream(input.path());
        DmsFileReader file = reader.open(uri, input.key(), in)) {
      for (ChangeRecord r; (r = file.read()) != null; ) {
        out.write(codec.encode(r));
        out.write('\n');
        result.count(r);
      }
      result.files++;
      return !result.failed;
    } catch (BadInputException e) {
      return problem(e.getMessage());
    } catch (CdcException e) {
      return problem(uri + ": " + e.getMessage());
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().contains(uri)) {
        return problem(e.getMessage());
      }
      return problem(uri + ": cannot read: " + e.getMessage());
    }
  }

  /** Reports a bad row (with SKIP, the reader goes on). */
  private void report(String message) {
    err.println(message);
    err.flush();
    result.problems++;
  }

  /** Reports a problem; {@code true} when the conversion goes on (SKIP). */
  private boolean problem(String message) {
    report(message);
    if (policy == BadRowPolicy.FAIL) {
      result.failed = true;
      return false;
    }
    return true;
  }
}
