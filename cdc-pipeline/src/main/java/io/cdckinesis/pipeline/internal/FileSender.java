package io.cdckinesis.pipeline.internal;

import io.cdckinesis.core.BadInputException;
import io.cdckinesis.core.BadRowPolicy;
import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.ControlOperation;
import io.cdckinesis.core.ControlRecord;
import io.cdckinesis.core.DmsCsvReader;
import io.cdckinesis.core.DmsCsvSettings;
import io.cdckinesis.core.DmsFileReader;
import io.cdckinesis.core.ObjectChangedException;
import io.cdckinesis.core.ObjectMissingException;
import io.cdckinesis.core.ReadProgress;
import io.cdckinesis.core.RejectedRow;
import io.cdckinesis.core.SourceFile;
import io.cdckinesis.core.SourcePosition;
import io.cdckinesis.core.StoreException;
import io.cdckinesis.core.TableDefinitions;
import io.cdckinesis.core.TableId;
import io.cdckinesis.core.spi.ChangeSink;
import io.cdckinesis.core.spi.ObjectStore;
import io.cdckinesis.core.spi.RejectSink;
import io.cdckinesis.core.spi.StateStore;
import io.cdckinesis.pipeline.ObjectOutcome;
import io.cdckinesis.pipeline.RunContext;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one file of a unit, or the rest of it, under the unit's lease: reads it (pinned to the
 * listed version, resuming from the saved progress), writes its records to the sink, and every
 * {@code checkpointEveryRows} rows or {@code checkpointEvery} of time flushes the sink and the
 * rejects and saves the progress (which renews the lease). The file counts as done only after the
 * last flush and the save that records it.
 */
public final class FileSender {

  private static final Logger LOG = LoggerFactory.getLogger(FileSender.class);

  private final DmsCsvSettings settings;
  private final TableDefinitions tables;
  private final ObjectStore objects;
  private final StateStore states;
  private final BiFunction<String, String, RejectSink> rejectSinks;
  private final int checkpointEveryRows;
  private final Duration checkpointEvery;
  private final Duration timeReserve;
  private final Clock clock;

  public FileSender(
      DmsCsvSettings settings,
      TableDefinitions tables,
      ObjectStore objects,
      StateStore states,
      BiFunction<String, String, RejectSink> rejectSinks,
      int checkpointEveryRows,
      Duration checkpointEvery,
      Duration timeReserve,
      Clock clock) {
    this.settings = settings;
    this.tables = tables;
    this.objects = objects;
    this.states = states;
    this.rejectSinks = rejectSinks;
    this.checkpointEveryRows = checkpointEveryRows;
    this.checkpointEvery = checkpointEvery;
    this.timeReserve = timeReserve;
    this.clock = clock;
  }

  /** Sends a file as the plan says; the lease's state records how far it got. */
  public ObjectOutcome send(
      UnitLease lease, DrainPlanner.Send step, ChangeSink sink, RunContext run) {
    Unit unit = lease.unit();
    UnitListing.File file = step.file();
    FileVersion version = FileVersion.of(file.object());
    String uri = objects.uri(unit.bucket(), file.name());
    TableState state = lease.state();
    SourceFile source = new SourceFile(uri, state.generation(), step.revision(), version.eTag());
    ReadProgress from = step.from();
    TableState.InProgress started = new TableState.InProgress(version, step.revision(), from);
    if (!started.equals(state.current())) {
      // Recorded before the first row goes out: a crash must resume this version and revision,
      // never send another version of the file under the same positions.
      lease.save(state.withCurrent(started));
    }
    ObjectStore.Opened in;
    try {
      in = objects.open(unit.bucket(), file.name(), from.nextByteOffset(), version.eTag());
    } catch (ObjectMissingException e) {
      return ObjectOutcome.of(uri, ObjectOutcome.Status.OBJECT_MISSING);
    } catch (ObjectChangedException e) {
      return ObjectOutcome.of(uri, ObjectOutcome.Status.CHANGED);
    }
    RejectSink rejects = rejectSinks.apply(uri, lease.owner());
    DmsCsvReader reader =
        DmsCsvReader.builder()
            .settings(settings)
            .tables(tables)
            .badRowPolicy(BadRowPolicy.SKIP)
            .rejectSink(rejects)
            .build();
    DmsFileReader opened;
    try {
      opened = reader.resume(source, file.key(), in.stream(), from, in.positioned());
    } catch (BadInputException e) {
      closeQuietly(in);
      // Found on opening (the header, an empty object, unknown columns): no row is to blame.
      return damaged(lease, step, uri, e, 0, from, from, 0, 0, sink, rejects);
    } catch (RuntimeException e) {
      closeQuietly(in);
      throw e;
    }
    try {
      announceColumnChanges(lease, unit, source, opened.columns(), sink);
    } catch (RuntimeException e) {
      closeQuietly(in);
      throw e;
    }
    GenerationStamp stamp =
        unit.transactional() ? new GenerationStamp(states, unit.bucket(), tablePrefix()) : null;
    long records = 0;
    try (ObjectStore.Opened object = in;
        DmsFileReader reading = opened) {
      long sinceCheckpoint = 0;
      Instant lastCheckpoint = clock.instant();
      try {
        for (ChangeRecord r; (r = reading.read()) != null; ) {
          sink.write(stamp == null ? r : stamp.apply(r));
          records++;
          if (++sinceCheckpoint >= checkpointEveryRows
              || !clock.instant().isBefore(lastCheckpoint.plus(checkpointEvery))) {
            sinceCheckpoint = 0;
            lastCheckpoint = clock.instant();
            checkpoint(lease, step, version, reading.progress(), sink, rejects);
          }
          if (run.remainingMillis().getAsLong() < timeReserve.toMillis()) {
            checkpoint(lease, step, version, reading.progress(), sink, rejects);
            LOG.atInfo()
                .setMessage("time running low: progress saved; a new invocation continues")
                .addKeyValue("object", uri)
                .addKeyValue("rowsDone", reading.progress().rowsDone())
                .log();
            return outcome(uri, ObjectOutcome.Status.CONTINUED, from, reading, records);
          }
        }
      } catch (BadInputException e) {
        long row = e.line() == 0 ? 0 : reading.progress().rowsDone() + 1;
        return damaged(
            lease,
            step,
            uri,
            e,
            row,
            from,
            reading.progress(),
            records,
            reading.rejectedRows(),
            sink,
            rejects);
      } catch (ObjectChangedException e) {
        LOG.atWarn()
            .setMessage("object changed while it was being read; its new version replaces it")
            .addKeyValue("object", uri)
            .log();
        return outcome(uri, ObjectOutcome.Status.CHANGED, from, reading, records);
      }
      finish(lease, step, version, sink, rejects);
      return outcome(uri, ObjectOutcome.Status.COMPLETED, from, reading, records);
    } catch (IOException e) {
      throw new StoreException("cannot close " + uri + ": " + e, e, true);
    }
  }

  /**
   * A file whose columns differ from the previous file's (DMS supports ADD and DROP COLUMN during
   * CDC; each file's header shows the columns of its time): every reader of the table gets
   * add-column and drop-column control records before the file's rows. Sent again if the run dies
   * before the new columns are saved; consumers apply them idempotently.
   */
  private void announceColumnChanges(
      UnitLease lease, Unit unit, SourceFile source, List<String> columns, ChangeSink sink) {
    TableState s = lease.state();
    if (unit.transactional() || columns.isEmpty() || columns.equals(s.columns())) {
      return;
    }
    if (!s.columns().isEmpty()) {
      List<String> added = new ArrayList<>(columns);
      added.removeAll(s.columns());
      List<String> dropped = new ArrayList<>(s.columns());
      dropped.removeAll(columns);
      String why = "the columns of " + source.uri() + " differ from the table's previous file";
      if (!added.isEmpty()) {
        sink.writeControl(
            new ControlRecord(
                ControlOperation.ADD_COLUMN, unit.table(), source, clock.instant(), why, added));
      }
      if (!dropped.isEmpty()) {
        sink.writeControl(
            new ControlRecord(
                ControlOperation.DROP_COLUMN, unit.table(), source, clock.instant(), why, dropped));
      }
      if (!added.isEmpty() || !dropped.isEmpty()) {
        sink.flush();
        LOG.atInfo()
            .setMessage("table columns changed")
            .addKeyValue("table", unit.table())
            .addKeyValue("added", added.size())
            .addKeyValue("dropped", dropped.size())
            .log();
      }
    }
    lease.save(lease.state().withColumns(columns));
  }

  /** The folder that table folders are in: the bucket folder, or the bucket's root. */
  private String tablePrefix() {
    return settings.bucketFolder() == null ? "" : settings.bucketFolder() + "/";
  }

  /** Flushes what was written and rejected, then saves the progress. */
  private static void checkpoint(
      UnitLease lease,
      DrainPlanner.Send step,
      FileVersion version,
      ReadProgress progress,
      ChangeSink sink,
      RejectSink rejects) {
    sink.flush();
    rejects.flush();
    lease.save(
        lease.state().withCurrent(new TableState.InProgress(version, step.revision(), progress)));
  }

  private static void finish(
      UnitLease lease,
      DrainPlanner.Send step,
      FileVersion version,
      ChangeSink sink,
      RejectSink rejects) {
    sink.flush();
    rejects.flush();
    TableState s = lease.state();
    lease.save(step.load() ? s.loadDone(version) : s.changeDone(version.key()));
  }

  /**
   * The object cannot be read to its end (an unreadable header, an empty object, corrupt gzip, a
   * quote never closed): the good rows before the damage are sent, the damage goes to the rejects
   * with the object, line and reason, and the file counts as done, since reading it again would
   * fail the same way (a new version of it is read afresh).
   */
  private ObjectOutcome damaged(
      UnitLease lease,
      DrainPlanner.Send step,
      String uri,
      BadInputException e,
      long row,
      ReadProgress from,
      ReadProgress reached,
      long records,
      long rejected,
      ChangeSink sink,
      RejectSink rejects) {
    String reason = e.detail() == null ? e.reason().toString() : e.detail();
    rejects.reject(new RejectedRow(uri, row, e.line(), e.reason(), reason, ""));
    LOG.atError()
        .setMessage("object damaged: sent the rows before the damage, recorded it in the rejects")
        .addKeyValue("object", uri)
        .addKeyValue("line", e.line())
        .addKeyValue("reason", e.reason())
        .log();
    finish(lease, step, FileVersion.of(step.file().object()), sink, rejects);
    return new ObjectOutcome(
        uri,
        ObjectOutcome.Status.DAMAGED,
        reached.rowsDone() - from.rowsDone(),
        records,
        rejected + 1);
  }

  private static ObjectOutcome outcome(
      String uri,
      ObjectOutcome.Status status,
      ReadProgress from,
      DmsFileReader file,
      long records) {
    return new ObjectOutcome(
        uri, status, file.progress().rowsDone() - from.rowsDone(), records, file.rejectedRows());
  }

  private static void closeQuietly(ObjectStore.Opened in) {
    try {
      in.close();
    } catch (IOException e) {
      LOG.atDebug().setMessage("closing an unneeded object stream failed").setCause(e).log();
    }
  }

  /**
   * Rows of a CDC_TXN file belong to many tables: each carries its own table's load generation, as
   * that table's state records it when the file is sent (see DESIGN, "What is not guaranteed").
   */
  private static final class GenerationStamp {
    private final StateStore states;
    private final String bucket;
    private final String tablePrefix;
    private final Map<TableId, Long> generations = new HashMap<>();

    GenerationStamp(StateStore states, String bucket, String tablePrefix) {
      this.states = states;
      this.bucket = bucket;
      this.tablePrefix = tablePrefix;
    }

    ChangeRecord apply(ChangeRecord r) {
      long g =
          generations.computeIfAbsent(
              r.tableId(), t -> UnitLease.read(states, tableUnit(t)).state().generation());
      if (g == r.position().generation()) {
        return r;
      }
      SourceFile f = r.position().file();
      return r.withPosition(
          new SourcePosition(
              new SourceFile(f.uri(), g, f.revision(), f.version()),
              r.position().row(),
              r.position().line()));
    }

    /** The table's folder (under the bucket folder, where its full load is). */
    private Unit tableUnit(TableId t) {
      return new Unit(bucket, tablePrefix + t.schema() + "/" + t.table() + "/", t);
    }
  }
}
