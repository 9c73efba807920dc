package io.cdckinesis.lambda;

import io.cdckinesis.core.DatePartitionSequence;
import io.cdckinesis.core.DmsCsvSettings;
import io.cdckinesis.core.DmsFileKind;
import io.cdckinesis.core.DmsFileName;
import io.cdckinesis.core.DmsObjectKey;
import io.cdckinesis.core.NotDmsObjectException;
import io.cdckinesis.core.ReadProgress;
import io.cdckinesis.core.spi.CheckpointStore;
import io.cdckinesis.s3.S3Listing;
import io.cdckinesis.s3.S3ObjectRef;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the change files of a table in DMS order on the stream, whatever order their S3 events
 * arrive in and however many invocations run at once. Full-load files need no order among
 * themselves (a key is in one of them), but every change file waits until the table's full load is
 * sent, and change files go out one at a time, oldest first.
 *
 * <p>Per table, a cursor in the {@link CheckpointStore} (under the table folder's URI, which no
 * object can have) names the last change file sent and carries a lease. The invocation holding the
 * lease sends every pending change file after the cursor, listing again until none is left; an
 * invocation whose file is pending waits for the lease or for its file to be done, and hands over
 * to a new invocation when its time runs low. When the last full-load file of a table is sent, the
 * invocation that sent it sends the change files that were waiting for it.
 */
final class ChangeFileSequencer {

  private static final Logger LOG = LoggerFactory.getLogger(ChangeFileSequencer.class);
  private static final int LIST_BATCH = 1_000;

  /** Sends one object (the producer's per-object logic). */
  @FunctionalInterface
  interface ObjectSender {
    ObjectOutcome send(S3ObjectRef ref, DmsObjectKey key, String owner, LongSupplier remaining);
  }

  private record Pending(S3ObjectRef ref, DmsObjectKey key) {}

  private final DmsCsvSettings settings;
  private final CheckpointStore checkpoints;
  private final S3Listing listing;
  private final Clock clock;
  private final Duration lease;
  private final Duration timeReserve;
  private final Duration pollInterval;

  ChangeFileSequencer(
      DmsCsvSettings settings,
      CheckpointStore checkpoints,
      S3Listing listing,
      Clock clock,
      Duration lease,
      Duration timeReserve,
      Duration pollInterval) {
    this.settings = settings;
    this.checkpoints = checkpoints;
    this.listing = listing;
    this.clock = clock;
    this.lease = lease;
    this.timeReserve = timeReserve;
    this.pollInterval = pollInterval;
  }

  /**
   * Sends a change file once every earlier file of its table is sent, and whatever else is pending
   * for the table while holding its lease.
   */
  List<ObjectOutcome> sendInOrder(
      S3ObjectRef ref, DmsObjectKey key, String owner, LongSupplier remaining, ObjectSender sender)
      throws InterruptedException {
    while (true) {
      if (isComplete(ref)) {
        return List.of(ObjectOutcome.of(ref.uri(), ObjectOutcome.Status.ALREADY_DONE));
      }
      if (remaining.getAsLong() < timeReserve.toMillis()) {
        return List.of(ObjectOutcome.of(ref.uri(), ObjectOutcome.Status.CONTINUED));
      }
      TableLease held = TableLease.tryAcquire(this, cursorUri(ref.bucket(), key), owner);
      if (held == null) {
        Thread.sleep(pollInterval.toMillis());
        continue;
      }
      try {
        if (held.cursor() == null && !fullLoadComplete(ref.bucket(), key)) {
          LOG.atInfo()
              .setMessage("change file waits for its table's full load")
              .addKeyValue("object", ref.uri())
              .log();
          return List.of(ObjectOutcome.of(ref.uri(), ObjectOutcome.Status.WAITING_FOR_FULL_LOAD));
        }
        List<ObjectOutcome> out = drain(held, ref.bucket(), key, owner, remaining, sender);
        boolean stopped = !out.isEmpty() && !isDone(out.get(out.size() - 1).status());
        if (!stopped && !isComplete(ref)) {
          // Older than a change file already sent: DMS never writes one, but never drop it.
          LOG.atWarn()
              .setMessage("change file older than the table's cursor; sending it out of order")
              .addKeyValue("object", ref.uri())
              .log();
          out = new ArrayList<>(out);
          out.add(sender.send(ref, key, owner, remaining));
        }
        return out;
      } finally {
        held.release();
      }
    }
  }

  /**
   * After a full-load file is sent: when it was the table's last one, sends the change files that
   * waited for it.
   */
  List<ObjectOutcome> afterFullLoadFile(
      S3ObjectRef ref, DmsObjectKey key, String owner, LongSupplier remaining, ObjectSender sender)
      throws InterruptedException {
    if (!fullLoadComplete(ref.bucket(), key)) {
      return List.of();
    }
    String cursor =
        checkpoints
            .load(cursorUri(ref.bucket(), key))
            .map(s -> s.checkpoint().objectVersion())
            .orElse(null);
    List<Pending> pending = pending(ref.bucket(), key, cursor);
    if (pending.isEmpty()) {
      return List.of();
    }
    return sendInOrder(pending.get(0).ref(), pending.get(0).key(), owner, remaining, sender);
  }

  private List<ObjectOutcome> drain(
      TableLease held,
      String bucket,
      DmsObjectKey key,
      String owner,
      LongSupplier remaining,
      ObjectSender sender) {
    List<ObjectOutcome> out = new ArrayList<>();
    while (true) {
      List<Pending> pending = pending(bucket, key, held.cursor());
      if (pending.isEmpty()) {
        return out;
      }
      for (Pending p : pending) {
        if (remaining.getAsLong() < timeReserve.toMillis()) {
          out.add(ObjectOutcome.of(p.ref().uri(), ObjectOutcome.Status.CONTINUED));
          return out;
        }
        ObjectOutcome o = sender.send(p.ref(), p.key(), owner, remaining);
        out.add(o);
        if (!isDone(o.status())) {
          return out;
        }
        if (!held.advance(p.ref().key())) {
          out.add(ObjectOutcome.of(p.ref().uri(), ObjectOutcome.Status.LEASE_LOST));
          return out;
        }
      }
    }
  }

  private static boolean isDone(ObjectOutcome.Status s) {
    return s == ObjectOutcome.Status.COMPLETED
        || s == ObjectOutcome.Status.DAMAGED
        || s == ObjectOutcome.Status.ALREADY_DONE
        || s == ObjectOutcome.Status.NOT_DMS_OBJECT
        || s == ObjectOutcome.Status.OBJECT_MISSING;
  }

  private boolean isComplete(S3ObjectRef ref) {
    return checkpoints.load(ref.uri()).map(s -> s.checkpoint().complete()).orElse(false);
  }

  /** Whether every full-load file of the table (if any) has been sent. */
  private boolean fullLoadComplete(String bucket, DmsObjectKey key) {
    if (key.table() == null) {
      return true; // CDC_TXN files span tables; their full loads are not tracked here
    }
    String prefix = tableFolder(loadPrefix(key), key) + "LOAD";
    for (String k : listing.keys(bucket, prefix, null, 100_000)) {
      Optional<DmsFileName> name = DmsFileName.parseLastSegment(k);
      if (name.isPresent()
          && name.get().kind() == DmsFileKind.FULL_LOAD
          && !isComplete(S3ObjectRef.of(bucket, k))) {
        return false;
      }
    }
    return true;
  }

  /** The change files of the table after {@code cursorKey}, oldest first. */
  private List<Pending> pending(String bucket, DmsObjectKey key, String cursorKey) {
    String folder = changeFolder(key);
    DmsFileName after =
        cursorKey == null ? null : DmsFileName.parseLastSegment(cursorKey).orElse(null);
    String startAfter = lexicographicInTime() ? cursorKey : null;
    List<Pending> out = new ArrayList<>();
    String from = startAfter;
    while (true) {
      List<String> keys = listing.keys(bucket, folder, from, LIST_BATCH);
      for (String k : keys) {
        DmsObjectKey parsed;
        try {
          parsed = DmsObjectKey.parse(k, settings);
        } catch (NotDmsObjectException e) {
          continue;
        }
        if (parsed.kind() == changeKind(key)
            && java.util.Objects.equals(parsed.table(), key.table())
            && (after == null || parsed.fileName().compareTo(after) > 0)) {
          out.add(new Pending(S3ObjectRef.of(bucket, k), parsed));
        }
      }
      if (keys.size() < LIST_BATCH || out.size() >= LIST_BATCH) {
        break;
      }
      from = keys.get(keys.size() - 1);
    }
    out.sort(Comparator.comparing((Pending p) -> p.key().fileName()));
    return out.size() > LIST_BATCH ? out.subList(0, LIST_BATCH) : out;
  }

  /** Whether S3's key order is time order for change files (so listing can start at the cursor). */
  private boolean lexicographicInTime() {
    if (!settings.datePartitionEnabled()) {
      return true;
    }
    DatePartitionSequence s = settings.datePartitionSequence();
    return s == DatePartitionSequence.YYYYMMDD
        || s == DatePartitionSequence.YYYYMMDDHH
        || s == DatePartitionSequence.YYYYMM;
  }

  /** The kind of the change files that follow this file: CDC_TXN after CDC_TXN, else CDC. */
  private static DmsFileKind changeKind(DmsObjectKey key) {
    return key.kind() == DmsFileKind.CDC_TXN ? DmsFileKind.CDC_TXN : DmsFileKind.CDC;
  }

  /**
   * Where the table's change files are: the folder of a change file, or, from a full-load file, the
   * same folder unless CdcPath moves changes elsewhere.
   */
  private String changeFolder(DmsObjectKey key) {
    if (key.kind() == DmsFileKind.FULL_LOAD && settings.cdcPath() != null) {
      String folder = settings.bucketFolder() == null ? "" : settings.bucketFolder() + "/";
      return tableFolder(folder + settings.cdcPath(), key);
    }
    return tableFolder(key.prefix(), key);
  }

  /** Where the table's full-load files are: without CdcPath, the same folder as its changes. */
  private String loadPrefix(DmsObjectKey key) {
    if (settings.cdcPath() != null && key.kind() != DmsFileKind.FULL_LOAD) {
      return settings.bucketFolder() == null ? "" : settings.bucketFolder();
    }
    return key.prefix();
  }

  private static String tableFolder(String prefix, DmsObjectKey key) {
    StringBuilder sb = new StringBuilder();
    if (!prefix.isEmpty()) {
      sb.append(prefix).append('/');
    }
    if (key.table() != null) {
      sb.append(key.table().schema()).append('/').append(key.table().table()).append('/');
    }
    return sb.toString();
  }

  private String cursorUri(String bucket, DmsObjectKey key) {
    return "s3://" + bucket + "/" + changeFolder(key);
  }

  /** The table's cursor (the last change file sent) and lease, held by one invocation. */
  private static final class TableLease {
    private final CheckpointLease lease;
    private boolean held = true;

    private TableLease(CheckpointLease lease) {
      this.lease = lease;
    }

    /** The lease, or null when another invocation holds it. */
    static TableLease tryAcquire(ChangeFileSequencer s, String uri, String holder) {
      Optional<CheckpointStore.Stored> stored = s.checkpoints.load(uri);
      if (stored.isPresent()
          && stored.get().checkpoint().leasedByOtherThan(holder, s.clock.instant())) {
        return null;
      }
      TableLease l =
          new TableLease(
              new CheckpointLease(
                  s.checkpoints,
                  s.clock,
                  s.lease,
                  uri,
                  holder,
                  stored.map(st -> st.checkpoint().objectVersion()).orElse(null),
                  stored.map(CheckpointStore.Stored::revision).orElse(null)));
      return l.save(l.cursor(), true) ? l : null;
    }

    String cursor() {
      return lease.version();
    }

    boolean advance(String key) {
      return save(key, true);
    }

    void release() {
      if (held) {
        held = false;
        try {
          save(cursor(), false);
        } catch (RuntimeException e) {
          // The lease then expires on its own; nothing is lost.
          LOG.atWarn()
              .setMessage("could not release a table lease")
              .addKeyValue("table", lease.uri())
              .log();
        }
      }
    }

    private boolean save(String cursor, boolean keep) {
      if (!lease.save(cursor, ReadProgress.START, false, keep)) {
        held = false;
        return false;
      }
      return true;
    }
  }
}
