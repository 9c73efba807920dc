package io.cdckinesis.pipeline.internal;

import io.cdckinesis.core.ReadProgress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the producer keeps about one unit (a table folder, or a folder of CDC_TXN files), in
 * one document written by compare-and-set: the lease, the load generation and its files, the change
 * cursor and the file in progress. See docs/DESIGN.md, "Delivery".
 *
 * @param unit the unit's URI, e.g. {@code s3://dms/hq/dbo/customers/}
 * @param lease who may send the unit's files, until when; null when nobody holds it
 * @param leaseToken how many times the lease was taken: each holder has its own (fencing) token
 * @param generation the table's load generation; 0 before its first file was seen
 * @param generationReason why the generation started (first load, reload, truncate...), for people
 * @param announced whether the stream has the generation's reset (a control record); a new
 *     generation is saved before it is announced, so that a crash between the two cannot leave the
 *     stream at a generation the state does not know
 * @param changesStarted whether a change file was sent in this generation (after that, a new
 *     full-load file means a reload)
 * @param loads the full-load files sent in this generation, by key
 * @param retired full-load versions of earlier generations still in the bucket: never sent again
 * @param cursor the last change file done (sent, damaged or superseded), or null
 * @param current the file being sent, with its progress, or null
 * @param columns the columns of the last file sent, when it had a header (column changes)
 * @param savedAt when this revision was saved
 */
public record TableState(
    String unit,
    Lease lease,
    long leaseToken,
    long generation,
    String generationReason,
    boolean announced,
    boolean changesStarted,
    Map<String, FileVersion> loads,
    List<FileVersion> retired,
    String cursor,
    InProgress current,
    List<String> columns,
    Instant savedAt) {

  /** How many retired full-load versions are remembered; older ones are long deleted by DMS. */
  static final int MAX_RETIRED = 1000;

  /** A claim on the unit. */
  public record Lease(String owner, long token, Instant until) {
    public Lease {
      Objects.requireNonNull(owner, "owner");
      Objects.requireNonNull(until, "until");
    }

    /** Whether someone other than {@code me} holds it at {@code now}. */
    public boolean heldByOtherThan(String me, Instant now) {
      return !owner.equals(me) && until.isAfter(now);
    }
  }

  /** The file being sent: which version, which revision, and how far. */
  public record InProgress(FileVersion version, int revision, ReadProgress progress) {
    public InProgress {
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(progress, "progress");
      if (revision < 1) {
        throw new IllegalArgumentException("revision must be >= 1");
      }
    }
  }

  public TableState {
    Objects.requireNonNull(unit, "unit");
    loads = Map.copyOf(loads == null ? Map.of() : new LinkedHashMap<>(loads));
    retired = List.copyOf(retired == null ? List.of() : retired);
    columns = columns == null ? List.of() : List.copyOf(columns);
  }

  /** The state of a unit nothing is known about. */
  public static TableState empty(String unit) {
    return new TableState(
        unit, null, 0, 0, null, true, false, Map.of(), List.of(), null, null, List.of(), null);
  }

  public TableState withLease(Lease l) {
    return new TableState(
        unit,
        l,
        l == null ? leaseToken : l.token(),
        generation,
        generationReason,
        announced,
        changesStarted,
        loads,
        retired,
        cursor,
        current,
        columns,
        savedAt);
  }

  public TableState withCurrent(InProgress c) {
    return new TableState(
        unit,
        lease,
        leaseToken,
        generation,
        generationReason,
        announced,
        changesStarted,
        loads,
        retired,
        cursor,
        c,
        columns,
        savedAt);
  }

  public TableState withSavedAt(Instant t) {
    return new TableState(
        unit,
        lease,
        leaseToken,
        generation,
        generationReason,
        announced,
        changesStarted,
        loads,
        retired,
        cursor,
        current,
        columns,
        t);
  }

  public TableState withColumns(List<String> c) {
    return new TableState(
        unit,
        lease,
        leaseToken,
        generation,
        generationReason,
        announced,
        changesStarted,
        loads,
        retired,
        cursor,
        current,
        c,
        savedAt);
  }

  /**
   * A new generation: the current full-load files retire, nothing is in progress, and change files
   * up to {@code supersededUpTo} (when not null) count as done.
   */
  public TableState newGeneration(long g, String reason, String supersededUpTo) {
    List<FileVersion> r = new ArrayList<>(retired);
    r.addAll(loads.values());
    if (current != null && isLoadKey(current.version().key())) {
      r.add(current.version());
    }
    if (r.size() > MAX_RETIRED) {
      r = new ArrayList<>(r.subList(r.size() - MAX_RETIRED, r.size()));
    }
    return new TableState(
        unit,
        lease,
        leaseToken,
        g,
        reason,
        g == 0,
        false,
        Map.of(),
        r,
        supersededUpTo != null ? supersededUpTo : cursor,
        null,
        columns,
        savedAt);
  }

  /** The stream has the generation's reset. */
  public TableState withAnnounced() {
    return new TableState(
        unit,
        lease,
        leaseToken,
        generation,
        generationReason,
        true,
        changesStarted,
        loads,
        retired,
        cursor,
        current,
        columns,
        savedAt);
  }

  /** The change cursor moved back (null: every change file in the folder is pending again). */
  public TableState withCursor(String key) {
    return new TableState(
        unit,
        lease,
        leaseToken,
        generation,
        generationReason,
        announced,
        changesStarted,
        loads,
        retired,
        key,
        current,
        columns,
        savedAt);
  }

  /** A full-load file is done in this generation. */
  public TableState loadDone(FileVersion v) {
    Map<String, FileVersion> l = new LinkedHashMap<>(loads);
    l.put(v.key(), v);
    return new TableState(
        unit,
        lease,
        leaseToken,
        generation,
        generationReason,
        announced,
        changesStarted,
        l,
        retired,
        cursor,
        null,
        columns,
        savedAt);
  }

  /** A change file is done (sent, damaged, gone or superseded): the cursor moves to it. */
  public TableState changeDone(String key) {
    return new TableState(
        unit,
        lease,
        leaseToken,
        generation,
        generationReason,
        announced,
        true,
        loads,
        retired,
        key,
        null,
        columns,
        savedAt);
  }

  /** Whether this exact version of a full-load file belongs to an earlier generation. */
  public boolean isRetired(FileVersion v) {
    return retired.contains(v);
  }

  private static boolean isLoadKey(String key) {
    return io.cdckinesis.core.DmsFileName.parseLastSegment(key)
        .map(n -> n.kind() == io.cdckinesis.core.DmsFileKind.FULL_LOAD)
        .orElse(false);
  }
}
