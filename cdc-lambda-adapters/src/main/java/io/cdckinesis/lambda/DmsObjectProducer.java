package io.cdckinesis.lambda;

import io.cdckinesis.core.BadInputException;
import io.cdckinesis.core.BadRowPolicy;
import io.cdckinesis.core.CdcException;
import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.ConfigurationException;
import io.cdckinesis.core.DmsCsvReader;
import io.cdckinesis.core.DmsCsvSettings;
import io.cdckinesis.core.DmsFileReader;
import io.cdckinesis.core.DmsObjectKey;
import io.cdckinesis.core.NotDmsObjectException;
import io.cdckinesis.core.ReadProgress;
import io.cdckinesis.core.RejectedRow;
import io.cdckinesis.core.TableDefinitions;
import io.cdckinesis.core.spi.ChangeSink;
import io.cdckinesis.core.spi.Checkpoint;
import io.cdckinesis.core.spi.CheckpointStore;
import io.cdckinesis.core.spi.RejectSink;
import io.cdckinesis.s3.S3Listing;
import io.cdckinesis.s3.S3ObjectRef;
import io.cdckinesis.s3.S3ObjectSource;
import io.cdckinesis.s3.S3ObjectStream;
import io.cdckinesis.s3.S3ReadException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * Sends one DMS object from S3 to a {@link ChangeSink}, resumably: the producer's core, used by
 * {@link S3ToKinesisHandler} and usable outside Lambda.
 *
 * <p>For each object it takes a lease in the {@link CheckpointStore} (compare-and-set, so a
 * duplicated event cannot run the same object twice at once), resumes from the checkpoint if there
 * is one for this version of the object (a ranged read for uncompressed objects, skipping rows for
 * gzip), and every {@code checkpointEveryRows} rows flushes the sink and the rejects and saves its
 * progress, renewing the lease. A crash therefore resends at most one checkpoint interval of rows;
 * the consumer skips those duplicates by their source position. When the remaining time falls below
 * the reserve it stops at a flushed checkpoint, releases the lease and asks a {@link
 * ContinuationInvoker} to continue the object in a new invocation.
 */
public final class DmsObjectProducer {

  private static final Logger LOG = LoggerFactory.getLogger(DmsObjectProducer.class);

  private final DmsCsvSettings settings;
  private final TableDefinitions tables;
  private final S3ObjectSource source;
  private final CheckpointStore checkpoints;
  private final Supplier<ChangeSink> sinks;
  private final BiFunction<S3ObjectRef, String, RejectSink> rejectSinks;
  private final int checkpointEveryRows;
  private final Duration lease;
  private final Duration timeReserve;
  private final Clock clock;
  private final ChangeFileSequencer sequencer;

  private DmsObjectProducer(Builder b) {
    this.settings = b.settings;
    this.tables = b.tables;
    this.source = b.source;
    this.checkpoints = b.checkpoints;
    this.sinks = b.sinks;
    this.rejectSinks = b.rejectSinks;
    this.checkpointEveryRows = b.checkpointEveryRows;
    this.lease = b.lease;
    this.timeReserve = b.timeReserve;
    this.clock = b.clock;
    this.sequencer =
        new ChangeFileSequencer(
            b.settings, b.checkpoints, b.listing, b.clock, b.lease, b.timeReserve, b.pollInterval);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The table an object belongs to, when its key is a DMS data file of one table. */
  public Optional<io.cdckinesis.core.TableId> tableOf(S3ObjectRef ref) {
    try {
      return Optional.ofNullable(DmsObjectKey.parse(ref.key(), settings).table());
    } catch (NotDmsObjectException e) {
      return Optional.empty();
    }
  }

  /**
   * Sends an object, or the rest of it.
   *
   * @param owner identifies this run in leases (e.g. the Lambda request id)
   * @param remainingMillis how much time this run has left
   * @throws io.cdckinesis.core.CdcException when sending or storing fails; progress up to the last
   *     checkpoint is kept and a retry resumes from there
   */
  public List<ObjectOutcome> produce(S3ObjectRef ref, String owner, LongSupplier remainingMillis) {
    DmsObjectKey key;
    try {
      key = DmsObjectKey.parse(ref.key(), settings);
    } catch (NotDmsObjectException e) {
      LOG.atInfo()
          .setMessage("ignoring an object that is not a DMS data file")
          .addKeyValue("object", ref.uri())
          .addKeyValue("reason", e.getMessage())
          .log();
      return List.of(ObjectOutcome.of(ref.uri(), ObjectOutcome.Status.NOT_DMS_OBJECT));
    }
    try {
      if (key.kind().isChange()) {
        return sequencer.sendInOrder(ref, key, owner, remainingMillis, this::sendUnderTableLease);
      }
      ObjectOutcome sent = sendObject(ref, key, owner, remainingMillis, false);
      // Also when already done: a retried or duplicated event of a full-load file must still send
      // the change files that wait for it, in case the run that finished it died before doing so.
      if (sent.status() != ObjectOutcome.Status.COMPLETED
          && sent.status() != ObjectOutcome.Status.DAMAGED
          && sent.status() != ObjectOutcome.Status.ALREADY_DONE) {
        return List.of(sent);
      }
      List<ObjectOutcome> out = new ArrayList<>();
      out.add(sent);
      out.addAll(
          sequencer.afterFullLoadFile(ref, key, owner, remainingMillis, this::sendUnderTableLease));
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CdcException("interrupted while waiting for the table's turn: " + ref.uri(), e);
    }
  }

  /**
   * Sends a change file for a run that holds its table's lease: that lease already keeps other runs
   * off the table's change files, so an object lease left by a run that died is taken over at once
   * instead of waiting for it to expire.
   */
  private ObjectOutcome sendUnderTableLease(
      S3ObjectRef ref, DmsObjectKey key, String owner, LongSupplier remainingMillis) {
    return sendObject(ref, key, owner, remainingMillis, true);
  }

  /** Sends one object (or the rest of it) under its own lease, with checkpoints. */
  private ObjectOutcome sendObject(
      S3ObjectRef ref,
      DmsObjectKey key,
      String owner,
      LongSupplier remainingMillis,
      boolean holdsTableLease) {
    String uri = ref.uri();
    Optional<CheckpointStore.Stored> stored = checkpoints.load(uri);
    Checkpoint previous = stored.map(CheckpointStore.Stored::checkpoint).orElse(null);
    if (previous != null
        && !previous.complete()
        && !holdsTableLease
        && previous.leasedByOtherThan(owner, clock.instant())) {
      return ObjectOutcome.of(uri, ObjectOutcome.Status.BUSY_ELSEWHERE);
    }
    S3ObjectStream in;
    try {
      in = source.open(ref, 0);
    } catch (S3ReadException e) {
      if (e.getCause() instanceof AwsServiceException s && s.statusCode() == 404) {
        // Deleted since the event (DMS deletes a table's folder on truncate): nothing to send.
        LOG.atWarn().setMessage("object no longer exists").addKeyValue("object", uri).log();
        return ObjectOutcome.of(uri, ObjectOutcome.Status.OBJECT_MISSING);
      }
      throw e;
    }
    try {
      return produce(ref, uri, key, owner, stored, previous, in, remainingMillis);
    } catch (RuntimeException e) {
      closeQuietly(in);
      throw e;
    }
  }

  private ObjectOutcome produce(
      S3ObjectRef ref,
      String uri,
      DmsObjectKey key,
      String owner,
      Optional<CheckpointStore.Stored> stored,
      Checkpoint previous,
      S3ObjectStream in,
      LongSupplier remainingMillis) {
    String version = in.metadata().eTag();
    Checkpoint current = previous != null && previous.appliesTo(version) ? previous : null;
    if (current != null && current.complete()) {
      closeQuietly(in);
      LOG.atInfo().setMessage("object already sent").addKeyValue("object", uri).log();
      return ObjectOutcome.of(uri, ObjectOutcome.Status.ALREADY_DONE);
    }
    ReadProgress from = current == null ? ReadProgress.START : current.progress();
    CheckpointLease held =
        new CheckpointLease(
            checkpoints,
            clock,
            lease,
            uri,
            owner,
            version,
            stored.map(CheckpointStore.Stored::revision).orElse(null));
    if (!save(held, from, false, true)) {
      closeQuietly(in);
      return ObjectOutcome.of(uri, ObjectOutcome.Status.BUSY_ELSEWHERE);
    }
    if (!from.atStart()) {
      LOG.atInfo()
          .setMessage("resuming object from checkpoint")
          .addKeyValue("object", uri)
          .addKeyValue("rowsDone", from.rowsDone())
          .log();
      // A ranged read from where the next row starts (the source re-reads gzip from byte 0).
      closeQuietly(in);
      in = source.open(ref, from.nextByteOffset(), version);
    }
    RejectSink rejects = rejectSinks.apply(ref, owner);
    DmsCsvReader reader =
        DmsCsvReader.builder()
            .settings(settings)
            .tables(tables)
            .badRowPolicy(BadRowPolicy.SKIP)
            .rejectSink(rejects)
            .build();
    ChangeSink sink = sinks.get();
    DmsFileReader opened;
    try {
      opened = reader.resume(uri, key, in, from, in.positioned());
    } catch (BadInputException e) {
      // Found on opening (the header, an empty object, unknown columns): no row is to blame.
      closeQuietly(in);
      return damaged(uri, e, 0, from, from, 0, 0, sink, rejects, held);
    }
    long records = 0;
    try (S3ObjectStream object = in;
        DmsFileReader file = opened) {
      try {
        long sinceCheckpoint = 0;
        long lastCheckpoint = System.nanoTime();
        long renewEvery = lease.toNanos() / 3;
        for (ChangeRecord r; (r = file.read()) != null; ) {
          sink.write(r);
          records++;
          // Rows or time, whichever comes first: a slow object still renews its lease.
          if (++sinceCheckpoint >= checkpointEveryRows
              || System.nanoTime() - lastCheckpoint >= renewEvery) {
            sinceCheckpoint = 0;
            lastCheckpoint = System.nanoTime();
            if (!checkpoint(sink, rejects, held, file.progress(), false, true)) {
              return outcome(uri, ObjectOutcome.Status.LEASE_LOST, from, file, records);
            }
          }
          if (remainingMillis.getAsLong() < timeReserve.toMillis()) {
            if (!checkpoint(sink, rejects, held, file.progress(), false, false)) {
              return outcome(uri, ObjectOutcome.Status.LEASE_LOST, from, file, records);
            }
            LOG.atInfo()
                .setMessage("time running low: checkpointed; the rest needs a new invocation")
                .addKeyValue("object", uri)
                .addKeyValue("rowsDone", file.progress().rowsDone())
                .log();
            return outcome(uri, ObjectOutcome.Status.CONTINUED, from, file, records);
          }
        }
      } catch (BadInputException e) {
        long row = e.line() == 0 ? 0 : file.progress().rowsDone() + 1;
        return damaged(
            uri, e, row, from, file.progress(), records, file.rejectedRows(), sink, rejects, held);
      }
      if (!checkpoint(sink, rejects, held, file.progress(), true, false)) {
        return outcome(uri, ObjectOutcome.Status.LEASE_LOST, from, file, records);
      }
      sink.close();
      return outcome(uri, ObjectOutcome.Status.COMPLETED, from, file, records);
    } catch (IOException e) {
      throw new io.cdckinesis.core.StoreException("cannot close " + uri + ": " + e, e, true);
    }
  }

  private static void closeQuietly(S3ObjectStream in) {
    try {
      in.close();
    } catch (IOException e) {
      LOG.atDebug().setMessage("closing an unneeded object stream failed").setCause(e).log();
    }
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

  /**
   * The object cannot be read to its end (an unreadable header, an empty object, corrupt gzip, a
   * quote never closed): the good rows before the damage are sent, the damage goes to the rejects
   * with the object, line and reason, and the object counts as done, since reading it again would
   * fail the same way (a new version of it is read afresh).
   *
   * @param row the row the damage starts in, or 0 when it concerns the object as a whole
   */
  private ObjectOutcome damaged(
      String uri,
      BadInputException e,
      long row,
      ReadProgress from,
      ReadProgress reached,
      long records,
      long rejected,
      ChangeSink sink,
      RejectSink rejects,
      CheckpointLease held) {
    String reason = e.detail() == null ? e.reason().toString() : e.detail();
    rejects.reject(new RejectedRow(uri, row, e.line(), e.reason(), reason, ""));
    LOG.atError()
        .setMessage("object damaged: sent the rows before the damage, recorded it in the rejects")
        .addKeyValue("object", uri)
        .addKeyValue("line", e.line())
        .addKeyValue("reason", e.reason())
        .log();
    if (!checkpoint(sink, rejects, held, reached, true, false)) {
      return new ObjectOutcome(
          uri,
          ObjectOutcome.Status.LEASE_LOST,
          reached.rowsDone() - from.rowsDone(),
          records,
          rejected);
    }
    sink.close();
    return new ObjectOutcome(
        uri,
        ObjectOutcome.Status.DAMAGED,
        reached.rowsDone() - from.rowsDone(),
        records,
        rejected + 1);
  }

  /** Flushes what was written and rejected, then records the progress. */
  private boolean checkpoint(
      ChangeSink sink,
      RejectSink rejects,
      CheckpointLease held,
      ReadProgress progress,
      boolean complete,
      boolean keepLease) {
    sink.flush();
    rejects.flush();
    return save(held, progress, complete, keepLease);
  }

  /** Saves the object's checkpoint; false (and a log line) when another worker took it over. */
  private static boolean save(
      CheckpointLease held, ReadProgress progress, boolean complete, boolean keepLease) {
    if (held.save(progress, complete, keepLease)) {
      return true;
    }
    LOG.atWarn()
        .setMessage("lost the lease on an object to another worker; stopping")
        .addKeyValue("object", held.uri())
        .log();
    return false;
  }

  /** Builds a {@link DmsObjectProducer}; source, checkpoints, sinks and rejects are required. */
  public static final class Builder {
    private DmsCsvSettings settings = DmsCsvSettings.defaults();
    private TableDefinitions tables = TableDefinitions.empty();
    private S3ObjectSource source;
    private S3Listing listing;
    private Duration pollInterval = Duration.ofSeconds(1);
    private CheckpointStore checkpoints;
    private Supplier<ChangeSink> sinks;
    private BiFunction<S3ObjectRef, String, RejectSink> rejectSinks;
    private int checkpointEveryRows = 5_000;
    private Duration lease = Duration.ofMinutes(2);
    private Duration timeReserve = Duration.ofMinutes(1);
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

    public Builder source(S3ObjectSource source) {
      this.source = source;
      return this;
    }

    /** Lists the source bucket, to find the change files a table's order waits for. */
    public Builder listing(S3Listing listing) {
      this.listing = listing;
      return this;
    }

    /** How often a change file waiting for its table's turn checks again (default 1 s). */
    public Builder pollInterval(Duration interval) {
      this.pollInterval = Objects.requireNonNull(interval, "interval");
      return this;
    }

    public Builder checkpoints(CheckpointStore store) {
      this.checkpoints = store;
      return this;
    }

    /** A new sink per object run (a failed run's sink is abandoned, not reused). */
    public Builder sinks(Supplier<ChangeSink> sinks) {
      this.sinks = sinks;
      return this;
    }

    /** The reject sink for an object and run owner. */
    public Builder rejectSinks(BiFunction<S3ObjectRef, String, RejectSink> rejectSinks) {
      this.rejectSinks = rejectSinks;
      return this;
    }

    public Builder checkpointEveryRows(int rows) {
      this.checkpointEveryRows = rows;
      return this;
    }

    /** How long a claim on an object lasts without a checkpoint renewing it. */
    public Builder lease(Duration lease) {
      this.lease = Objects.requireNonNull(lease, "lease");
      return this;
    }

    /** Stop and continue elsewhere when less than this time remains. */
    public Builder timeReserve(Duration reserve) {
      this.timeReserve = Objects.requireNonNull(reserve, "reserve");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public DmsObjectProducer build() {
      if (source == null
          || listing == null
          || checkpoints == null
          || sinks == null
          || rejectSinks == null) {
        throw new ConfigurationException(
            "DmsObjectProducer needs a source, a listing, a checkpoint store, a sink supplier and"
                + " reject sinks");
      }
      if (checkpointEveryRows < 1) {
        throw new ConfigurationException("checkpointEveryRows must be >= 1");
      }
      return new DmsObjectProducer(this);
    }
  }
}
