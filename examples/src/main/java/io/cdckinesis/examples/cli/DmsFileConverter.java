package io.cdckinesis.examples.cli;

import io.cdckinesis.core.BadInputException;
import io.cdckinesis.core.BadRowPolicy;
import io.cdckinesis.core.CdcException;
import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.DmsCsvReader;
import io.cdckinesis.core.DmsCsvSettings;
import io.cdckinesis.core.DmsFileReader;
import io.cdckinesis.core.EnvelopeCodec;
import io.cdckinesis.core.Operation;
import io.cdckinesis.core.TableDefinitions;
import io.cdckinesis.core.TableId;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Reads local DMS files in DMS order per table and hands their change records to a target:
 * envelopes on an output stream ({@code cdc convert}, a local reader without table state; {@code
 * cdc load} sends through the producer engine instead, see {@link EngineLoad}). Bad rows and
 * unreadable files go to {@link Problems}; a failure of the target itself stops the run. Its {@link
 * Result} also holds {@code cdc load}'s figures.
 */
final class DmsFileConverter {

  /** What a run did. */
  static final class Result {
    int files;
    long records;
    int problems;
    boolean failed;

    /** Bytes read off the files as stored (compressed for {@code .gz}); grows during the run. */
    long storedBytes;

    /** Bytes of CSV read (after gzip decoding), counted per file as it ends. */
    long csvBytes;

    final Map<TableId, Map<Operation, Long>> perTable = new TreeMap<>();

    void count(ChangeRecord r) {
      records++;
      perTable
          .computeIfAbsent(r.tableId(), t -> new EnumMap<>(Operation.class))
          .merge(r.operation(), 1L, Long::sum);
    }
  }

  /** Where records go. Its failures stop the run and are thrown by {@link #run}. */
  @FunctionalInterface
  interface RecordTarget {
    void accept(ChangeRecord record) throws IOException;
  }

  /** Carries a target's failure past the handling of bad input. */
  private static final class TargetFailure extends RuntimeException {
    TargetFailure(Exception cause) {
      super(cause);
    }
  }

  private final DmsCsvSettings settings;
  private final Problems problems;
  private final DmsCsvReader reader;
  private final EnvelopeCodec codec = EnvelopeCodec.create();
  private Result result = new Result();

  DmsFileConverter(DmsCsvSettings settings, TableDefinitions tables, Problems problems) {
    this.settings = settings;
    this.problems = problems;
    this.reader =
        DmsCsvReader.builder()
            .settings(settings)
            .tables(tables)
            .badRowPolicy(problems.policy())
            .rejectSink(row -> problems.report(row.toException().getMessage()))
            .build();
  }

  /** A converter with its own problem report on {@code err}. */
  DmsFileConverter(
      DmsCsvSettings settings, TableDefinitions tables, BadRowPolicy policy, PrintWriter err) {
    this(settings, tables, new Problems(policy, err));
  }

  /** The run so far (or the last run): read it on the reading thread, e.g. from the target. */
  Result current() {
    return result;
  }

  /**
   * Converts local files (folders are walked for DMS data files) and writes their envelopes, one
   * JSON per line.
   *
   * @param forcedTable the table of every file, or {@code null} to take it from the path
   * @throws IOException when the output cannot be written
   */
  Result convert(List<Path> paths, TableId forcedTable, OutputStream out) throws IOException {
    List<DmsInput> inputs = new ArrayList<>();
    DmsInputs finder = new DmsInputs(settings, problems);
    for (Path p : paths) {
      if (!finder.addLocal(p, forcedTable, inputs)) {
        result = new Result();
        return finish();
      }
    }
    Result r =
        run(
            inputs,
            record -> {
              out.write(codec.encode(record));
              out.write('\n');
            });
    out.flush();
    return r;
  }

  /**
   * Reads the inputs in DMS order and gives every record to the target.
   *
   * @throws IOException when the target fails with it
   * @throws RuntimeException when the target fails with it (e.g. a sink's write failure)
   */
  Result run(List<DmsInput> inputs, RecordTarget target) throws IOException {
    result = new Result();
    List<DmsInput> ordered = new ArrayList<>(inputs);
    ordered.sort(DmsInput.DMS_ORDER);
    try {
      for (DmsInput input : ordered) {
        if (!read(input, target)) {
          break;
        }
      }
    } catch (TargetFailure e) {
      finish();
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw (RuntimeException) e.getCause();
    }
    return finish();
  }

  private Result finish() {
    result.problems = problems.count();
    result.failed = problems.failed();
    return result;
  }

  /** Reads one file; {@code false} when the run must stop. */
  private boolean read(DmsInput input, RecordTarget target) {
    String uri = input.uri();
    try (InputStream in = new CountingInputStream(input.opener().open());
        DmsFileReader file = reader.open(uri, input.key(), in)) {
      try {
        for (ChangeRecord r; (r = file.read()) != null; ) {
          deliver(target, r);
          result.count(r);
        }
      } finally {
        result.csvBytes += file.progress().nextByteOffset();
      }
      result.files++;
      return !problems.failed();
    } catch (BadInputException e) {
      return problems.problem(e.getMessage());
    } catch (CdcException e) {
      return problems.problem(
          e.getMessage().contains(uri) ? e.getMessage() : uri + ": " + e.getMessage());
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().contains(uri)) {
        return problems.problem(e.getMessage());
      }
      return problems.problem(uri + ": cannot read: " + e.getMessage());
    }
  }

  private static void deliver(RecordTarget target, ChangeRecord r) {
    try {
      target.accept(r);
    } catch (IOException | RuntimeException e) {
      throw new TargetFailure(e);
    }
  }

  /** Counts the bytes read into the result, for progress. */
  private final class CountingInputStream extends FilterInputStream {
    CountingInputStream(InputStream in) {
      super(Objects.requireNonNull(in, "in"));
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        result.storedBytes++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        result.storedBytes += n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = in.skip(n);
      result.storedBytes += Math.max(0, skipped);
      return skipped;
    }
  }
}
