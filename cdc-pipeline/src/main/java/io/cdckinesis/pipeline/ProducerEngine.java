package io.cdckinesis.pipeline;

import io.cdckinesis.core.ConfigurationException;
import io.cdckinesis.core.ControlOperation;
import io.cdckinesis.core.ControlRecord;
import io.cdckinesis.core.DmsCsvSettings;
import io.cdckinesis.core.DmsFileKind;
import io.cdckinesis.core.DmsObjectKey;
import io.cdckinesis.core.NotDmsObjectException;
import io.cdckinesis.core.SourceFile;
import io.cdckinesis.core.TableDefinitions;
import io.cdckinesis.core.TableId;
import io.cdckinesis.core.spi.ChangeSink;
import io.cdckinesis.core.spi.ObjectStore;
import io.cdckinesis.core.spi.RejectSink;
import io.cdckinesis.core.spi.StateStore;
import io.cdckinesis.core.spi.WriteFence;
import io.cdckinesis.pipeline.internal.DrainPlanner;
import io.cdckinesis.pipeline.internal.FileSender;
import io.cdckinesis.pipeline.internal.TableState;
import io.cdckinesis.pipeline.internal.Unit;
import io.cdckinesis.pipeline.internal.UnitLease;
import io.cdckinesis.pipeline.internal.UnitListing;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer: sends DMS files to a change sink, per table, in DMS order, across reloads, crashes
 * and lost events. One engine serves the Lambda function, the sweep, {@code cdc load} and the demo.
 *
 * <p>Work is per unit (a table folder, or a folder of CDC_TXN files). A run takes the unit's lease
 * in the {@link StateStore}, lists the folder, and sends what is pending: a new load generation
 * when the listing shows a reload, the generation's full-load files, then change files after the
 * cursor one at a time; it saves progress with every checkpoint and releases the lease when nothing
 * is left, then lists once more in case a file arrived meanwhile. Events only say which units to
 * look at ({@link #process}); {@link #sweep} looks at every unit of a bucket folder, so that
 * nothing waits for an event that never comes. The invariants are in docs/DESIGN.md, "Delivery".
 */
public final class ProducerEngine {

  private static final Logger LOG = LoggerFactory.getLogger(ProducerEngine.class);

  /**
   * Opens a sink for one run on one unit. The sink must ask the fence before every call that
   * writes, and should stop waiting (e.g. out throttling) before the run's time is up.
   */
  @FunctionalInterface
  public interface SinkFactory {
    ChangeSink open(WriteFence fence, RunContext run);
  }

  private final DmsCsvSettings settings;
  private final ObjectStore objects;
  private final StateStore states;
  private final SinkFactory sinks;
  private final Duration lease;
  private final Duration leaseMargin;
  private final Duration timeReserve;
  private final Duration stateRefresh;
  private final Clock clock;
  private final UnitListing listing;
  private final FileSender sender;

  private ProducerEngine(Builder b) {
    this.settings = b.settings;
    this.objects = b.objects;
    this.states = b.states;
    this.sinks = b.sinks;
    this.lease = b.lease;
    this.leaseMargin = b.leaseMargin;
    this.timeReserve = b.timeReserve;
    this.stateRefresh = b.stateRefresh;
    this.clock = b.clock;
    this.listing = new UnitListing(b.objects, b.settings);
    this.sender =
        new FileSender(
            b.settings,
            b.tables,
            b.objects,
            b.states,
            b.rejectSinks,
            b.checkpointEveryRows,
            b.checkpointEvery,
            b.timeReserve,
            b.clock);
  }

  public static Builder builder() {
    return new Builder();
  }

  public DmsCsvSettings settings() {
    return settings;
  }

  /**
   * Looks at the tables the hints name and sends what they have pending. When time runs low, the
   * tables not finished are handed to {@code run.continuation()}.
   *
   * @throws io.cdckinesis.core.CdcException when sending or storing fails for a table; the tables
   *     after it in the list are still processed, and the first failure is thrown at the end with
   *     the others suppressed (progress up to the last checkpoint is kept)
   */
  public ProducerResult process(List<ObjectHint> hints, RunContext run) {
    List<ObjectOutcome> out = new ArrayList<>();
    Map<Unit, Hinted> units = new LinkedHashMap<>();
    for (ObjectHint h : hints) {
      DmsObjectKey key;
      try {
        key = DmsObjectKey.parse(h.key(), settings);
      } catch (NotDmsObjectException e) {
        LOG.atInfo()
            .setMessage("ignoring an object that is not a DMS data file")
            .addKeyValue("object", h.uri())
            .addKeyValue("reason", e.getMessage())
            .log();
        out.add(ObjectOutcome.of(h.uri(), ObjectOutcome.Status.NOT_DMS_OBJECT));
        continue;
      }
      Unit unit = Unit.of(h.bucket(), key);
      Hinted seen = units.get(unit);
      boolean load = h.removed() && key.kind() == DmsFileKind.FULL_LOAD;
      units.put(
          unit,
          new Hinted(
              h,
              (seen != null && seen.removed) || h.removed(),
              (seen != null && seen.loadRemoved) || load));
    }
    return drainAll(units, out, run, false);
  }

  /**
   * Looks at every table folder (and CDC_TXN folder) under the bucket folder the settings name, and
   * drains each with pending files or an abandoned lease; re-saves table states older than the
   * refresh age so that no age-based expiry can remove them. Each table is looked at and drained
   * before the next is looked at, so that a sweep short of time still sends what it finds; when
   * time runs low the tables not looked at yet are handed to {@code run.continuation()}.
   */
  public ProducerResult sweep(String bucket, RunContext run) {
    Map<Unit, Hinted> units = new LinkedHashMap<>();
    for (Unit unit : discover(bucket)) {
      units.put(unit, new Hinted(ObjectHint.created(bucket, unit.folder()), false, false));
    }
    return drainAll(units, new ArrayList<>(), run, true);
  }

  /**
   * A unit named by events: whether one said an object of it was deleted, and whether one of those
   * was a full-load file (the table had a full load: a truncate, not a cleanup of change files).
   */
  private record Hinted(ObjectHint hint, boolean removed, boolean loadRemoved) {}

  /**
   * Drains the units in turn while time lasts.
   *
   * @param probe whether to look first whether a unit has work (the sweep), rather than to drain it
   *     because an event named it
   */
  private ProducerResult drainAll(
      Map<Unit, Hinted> units, List<ObjectOutcome> out, RunContext run, boolean probe) {
    RuntimeException failure = null;
    List<Map.Entry<Unit, Hinted>> todo = new ArrayList<>(units.entrySet());
    for (int i = 0; i < todo.size(); i++) {
      Unit unit = todo.get(i).getKey();
      if (run.remainingMillis().getAsLong() < timeReserve.toMillis()) {
        continueLater(todo.subList(i, todo.size()), run, out);
        break;
      }
      try {
        if (probe) {
          Work work = work(unit, run.owner());
          if (work == Work.HELD_ELSEWHERE) {
            // Pending, but a lease runs: its holder sends it, or the next sweep once it expires.
            out.add(ObjectOutcome.of(unit.uri(), ObjectOutcome.Status.PENDING_ELSEWHERE));
          }
          if (work != Work.PENDING) {
            continue;
          }
        }
        Hinted hinted = todo.get(i).getValue();
        boolean continued = drain(unit, hinted.removed(), hinted.loadRemoved(), run, out);
        if (continued) {
          continueLater(todo.subList(i, todo.size()), run, out);
          break;
        }
      } catch (RuntimeException e) {
        LOG.atError()
            .setMessage("table failed; its progress is saved and a retry or the sweep resumes it")
            .addKeyValue("table", unit)
            .addKeyValue("error", e.getClass().getName())
            .addKeyValue("reason", e.getMessage())
            .log();
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
    return ProducerResult.of(out, 0);
  }

  private void continueLater(
      List<Map.Entry<Unit, Hinted>> rest, RunContext run, List<ObjectOutcome> out) {
    List<String> uris = new ArrayList<>();
    for (Map.Entry<Unit, Hinted> e : rest) {
      uris.add(e.getValue().hint().uri());
    }
    try {
      run.continuation().continueLater(uris);
    } catch (RuntimeException e) {
      // Nothing is lost: the files are pending in their folders and the sweep finds them.
      LOG.atWarn()
          .setMessage("could not queue a continuation; the sweep will pick the tables up")
          .addKeyValue("tables", rest.size())
          .addKeyValue("reason", e.getMessage())
          .log();
    }
    if (out.stream().noneMatch(o -> o.status() == ObjectOutcome.Status.CONTINUED)) {
      out.add(ObjectOutcome.of(rest.get(0).getKey().uri(), ObjectOutcome.Status.CONTINUED));
    }
  }

  /**
   * Sends what the unit has pending, under its lease.
   *
   * @return true when time ran low and the rest needs a continuation
   */
  private boolean drain(
      Unit unit,
      boolean removalSeen,
      boolean loadRemoved,
      RunContext run,
      List<ObjectOutcome> out) {
    while (true) {
      Optional<UnitLease> acquired =
          UnitLease.acquire(states, clock, lease, leaseMargin, run.owner(), unit);
      if (acquired.isEmpty()) {
        out.add(ObjectOutcome.of(unit.uri(), ObjectOutcome.Status.PENDING_ELSEWHERE));
        if (removalSeen) {
          // The holder lists the folder but cannot tell a deletion from a lifecycle expiry: only
          // this event says so. Fail, so that Lambda retries the event once the lease is free.
          throw new LeaseHeldException(
              "objects of "
                  + unit
                  + " were deleted while another run holds the table; the event is retried so"
                  + " that a truncate is not missed");
        }
        return false;
      }
      UnitLease held = acquired.get();
      Drained d = drainHeld(held, removalSeen, loadRemoved, run, out);
      if (d != Drained.IDLE) {
        return d == Drained.CONTINUED;
      }
      // Released. A file written before the release is in this listing: take the lease again for
      // it, so that a live holder never leaves a file behind for the sweep.
      UnitLease.Stored now = UnitLease.read(states, unit);
      if (now.state().lease() != null
          && now.state().lease().heldByOtherThan(run.owner(), clock.instant())) {
        return false;
      }
      UnitListing.Snapshot snap = snapshot(unit, now.state());
      if (DrainPlanner.next(now.state(), snap, false, clock.instant())
          instanceof DrainPlanner.Idle) {
        return false;
      }
      removalSeen = false;
      loadRemoved = false;
    }
  }

  private enum Drained {
    IDLE,
    CONTINUED,
    STOPPED
  }

  private Drained drainHeld(
      UnitLease held,
      boolean removalSeen,
      boolean loadRemoved,
      RunContext run,
      List<ObjectOutcome> out) {
    Unit unit = held.unit();
    ChangeSink sink = sinks.open(held, run);
    try {
      while (true) {
        if (run.remainingMillis().getAsLong() < timeReserve.toMillis()) {
          sink.close();
          held.release();
          return Drained.CONTINUED;
        }
        TableState state = held.state();
        UnitListing.Snapshot snap = snapshot(unit, state);
        DrainPlanner.Step step =
            DrainPlanner.next(state, snap, removalSeen, loadRemoved, clock.instant());
        if (step instanceof DrainPlanner.Idle) {
          sink.close();
          held.release();
          return Drained.IDLE;
        } else if (step instanceof DrainPlanner.StartGeneration g) {
          startGeneration(held, g, sink, out);
        } else if (step instanceof DrainPlanner.Announce) {
          announce(held, sink);
        } else if (step instanceof DrainPlanner.Forget f) {
          TableState s = held.state();
          held.save(f.load() ? s.withCurrent(null) : s.changeDone(f.key()));
          out.add(
              ObjectOutcome.of(
                  objects.uri(unit.bucket(), f.key()), ObjectOutcome.Status.OBJECT_MISSING));
        } else if (step instanceof DrainPlanner.Send send) {
          ObjectOutcome o = sender.send(held, send, sink, run);
          out.add(o);
          log(o);
          if (o.status() == ObjectOutcome.Status.CONTINUED) {
            sink.close();
            held.release();
            return Drained.CONTINUED;
          }
          if (o.status() == ObjectOutcome.Status.OBJECT_MISSING && held.state().current() != null) {
            TableState s = held.state();
            held.save(send.load() ? s.withCurrent(null) : s.changeDone(send.file().name()));
          }
        }
      }
    } catch (LeaseLostException e) {
      LOG.atWarn()
          .setMessage("lost the table's lease to another run; stopping")
          .addKeyValue("table", unit)
          .addKeyValue("reason", e.getMessage())
          .log();
      closeQuietly(sink);
      out.add(ObjectOutcome.of(unit.uri(), ObjectOutcome.Status.LEASE_LOST));
      return Drained.STOPPED;
    } catch (RuntimeException e) {
      closeQuietly(sink);
      held.release();
      throw e;
    }
  }

  private void startGeneration(
      UnitLease held, DrainPlanner.StartGeneration g, ChangeSink sink, List<ObjectOutcome> out) {
    Unit unit = held.unit();
    TableState s = held.state();
    long generation =
        g.fullLoad() ? Math.max(s.generation() + 1, clock.instant().toEpochMilli()) : 0;
    TableState next = s.newGeneration(generation, g.reason(), g.supersededUpTo());
    next = g.resendChanges() ? next.withCursor(null) : next;
    // Saved before it is announced: a crash in between leaves a generation to announce again, never
    // a stream ahead of the state (whose next generation could then be lower than the stream's).
    held.save(unit.transactional() ? next.withAnnounced() : next);
    announce(held, sink);
    LOG.atInfo()
        .setMessage("table starts a new load generation")
        .addKeyValue("table", unit)
        .addKeyValue("generation", generation)
        .addKeyValue("reason", g.reason())
        .log();
    if (g.supersededUpTo() != null) {
      out.add(
          ObjectOutcome.of(
              objects.uri(unit.bucket(), g.supersededUpTo()), ObjectOutcome.Status.SUPERSEDED));
    }
    out.add(ObjectOutcome.of(unit.uri(), ObjectOutcome.Status.GENERATION_STARTED));
  }

  /** Every reader of the table sees the reset before any row of the new generation. */
  private void announce(UnitLease held, ChangeSink sink) {
    TableState s = held.state();
    if (s.announced()) {
      return;
    }
    sink.writeControl(
        new ControlRecord(
            ControlOperation.TRUNCATE_TABLE,
            held.unit().table(),
            new SourceFile(held.unit().uri(), s.generation(), 1, null),
            clock.instant(),
            s.generationReason(),
            List.of()));
    sink.flush();
    held.save(s.withAnnounced());
  }

  private UnitListing.Snapshot snapshot(Unit unit, TableState state) {
    String inProgress = state.current() == null ? null : state.current().version().key();
    return listing.list(unit, state.cursor(), inProgress);
  }

  private enum Work {
    NONE,
    PENDING,
    HELD_ELSEWHERE
  }

  /** What the sweep finds in a unit: nothing to do, work to do now, or work under a live lease. */
  private Work work(Unit unit, String owner) {
    UnitLease.Stored stored = UnitLease.read(states, unit);
    TableState s = stored.state();
    boolean pending =
        !(DrainPlanner.next(s, snapshot(unit, s), false, clock.instant())
            instanceof DrainPlanner.Idle);
    if (s.lease() != null && s.lease().heldByOtherThan(owner, clock.instant())) {
      return pending ? Work.HELD_ELSEWHERE : Work.NONE;
    }
    if (s.savedAt() != null && s.savedAt().plus(stateRefresh).isBefore(clock.instant())) {
      UnitLease.acquire(states, clock, lease, leaseMargin, owner, unit)
          .ifPresent(UnitLease::release); // re-saved: no age-based rule can expire it
    }
    return pending ? Work.PENDING : Work.NONE;
  }

  /** The units under the settings' bucket folder: table folders and the CDC_TXN folder. */
  private List<Unit> discover(String bucket) {
    String root = settings.bucketFolder() == null ? "" : settings.bucketFolder() + "/";
    String txnFolder = settings.cdcPath() == null ? null : root + settings.cdcPath() + "/";
    List<Unit> out = new ArrayList<>();
    for (String schemaFolder : objects.folders(bucket, root)) {
      if (schemaFolder.equals(txnFolder)) {
        out.add(new Unit(bucket, txnFolder, null));
        continue;
      }
      String schema = lastSegment(schemaFolder);
      for (String tableFolder : objects.folders(bucket, schemaFolder)) {
        out.add(new Unit(bucket, tableFolder, TableId.of(schema, lastSegment(tableFolder))));
      }
    }
    return out;
  }

  private static String lastSegment(String folder) {
    String f = folder.substring(0, folder.length() - 1);
    return f.substring(f.lastIndexOf('/') + 1);
  }

  private static void log(ObjectOutcome o) {
    LOG.atInfo()
        .setMessage("object processed")
        .addKeyValue("object", o.objectUri())
        .addKeyValue("status", o.status())
        .addKeyValue("rows", o.rows())
        .addKeyValue("records", o.records())
        .addKeyValue("rejected", o.rejected())
        .log();
  }

  private static void closeQuietly(ChangeSink sink) {
    try {
      sink.close();
    } catch (RuntimeException e) {
      LOG.atDebug().setMessage("closing a failed sink failed too").setCause(e).log();
    }
  }

  /**
   * Builds a {@link ProducerEngine}. Required: objects, states, sinks, rejectSinks. Defaults: DMS
   * default settings, no table definitions, a checkpoint every 5,000 rows or 20 s, a 120 s lease
   * with a 30 s margin, a 60 s time reserve, table states refreshed after a day, the UTC clock.
   */
  public static final class Builder {
    private DmsCsvSettings settings = DmsCsvSettings.defaults();
    private TableDefinitions tables = TableDefinitions.empty();
    private ObjectStore objects;
    private StateStore states;
    private SinkFactory sinks;
    private BiFunction<String, String, RejectSink> rejectSinks;
    private int checkpointEveryRows = 5_000;
    private Duration checkpointEvery = Duration.ofSeconds(20);
    private Duration lease = Duration.ofSeconds(120);
    private Duration leaseMargin = Duration.ofSeconds(30);
    private Duration timeReserve = Duration.ofSeconds(60);
    private Duration stateRefresh = Duration.ofDays(1);
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    public Builder settings(DmsCsvSettings settings) {
      this.settings = Objects.requireNonNull(settings, "settings");
      return this;
    }

    public Builder tables(TableDefinitions tables) {
      this.tables = Objects.requireNonNull(tables, "tables");
      return this;
    }

    /** Where the DMS files are (S3ObjectStore, or a folder on disk). */
    public Builder objects(ObjectStore objects) {
      this.objects = objects;
      return this;
    }

    /** Where table states go (S3StateStore; InMemoryStateStore for one-off runs). */
    public Builder states(StateStore states) {
      this.states = states;
      return this;
    }

    /** A new sink per run on a table; it must call the fence before each write call. */
    public Builder sinks(SinkFactory sinks) {
      this.sinks = sinks;
      return this;
    }

    /** The reject sink for an object URI and a run owner. */
    public Builder rejectSinks(BiFunction<String, String, RejectSink> rejectSinks) {
      this.rejectSinks = rejectSinks;
      return this;
    }

    /** Rows between checkpoints: a crash re-sends at most this many rows of a file. */
    public Builder checkpointEveryRows(int rows) {
      this.checkpointEveryRows = rows;
      return this;
    }

    /** The longest time between checkpoints of a slow file. */
    public Builder checkpointEvery(Duration interval) {
      this.checkpointEvery = Objects.requireNonNull(interval, "interval");
      return this;
    }

    /**
     * How long a claim on a table lasts without renewal, and how long before its end a writer stops
     * (longer than the sink's call timeout plus clock differences between hosts).
     */
    public Builder lease(Duration lease, Duration margin) {
      this.lease = Objects.requireNonNull(lease, "lease");
      this.leaseMargin = Objects.requireNonNull(margin, "margin");
      return this;
    }

    /** Stop and continue elsewhere when less than this time remains. */
    public Builder timeReserve(Duration reserve) {
      this.timeReserve = Objects.requireNonNull(reserve, "reserve");
      return this;
    }

    /** The sweep re-saves table states older than this (default one day). */
    public Builder stateRefresh(Duration age) {
      this.stateRefresh = Objects.requireNonNull(age, "age");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public ProducerEngine build() {
      if (objects == null || states == null || sinks == null || rejectSinks == null) {
        throw new ConfigurationException(
            "ProducerEngine needs an object store, a state store, a sink factory and reject sinks");
      }
      if (checkpointEveryRows < 1) {
        throw new ConfigurationException("checkpointEveryRows must be >= 1");
      }
      if (leaseMargin.compareTo(lease.dividedBy(2)) >= 0 || leaseMargin.isNegative()) {
        throw new ConfigurationException(
            "the lease margin ("
                + leaseMargin
                + ") must be shorter than half the lease ("
                + lease
                + ")");
      }
      return new ProducerEngine(this);
    }
  }
}
