package io.cdckinesis.pipeline;

import java.util.Objects;

/**
 * What happened to one DMS object (or, for table-wide events, one table folder) in one producer
 * run.
 *
 * @param objectUri the object, or the table folder for {@link Status#GENERATION_STARTED} and {@link
 *     Status#PENDING_ELSEWHERE}
 * @param status how the run ended for it
 * @param rows rows read in this run (records plus rejects)
 * @param records change records written to the sink in this run
 * @param rejected rows rejected in this run (they are in the rejects store)
 */
public record ObjectOutcome(
    String objectUri, Status status, long rows, long records, long rejected) {

  /** How a run ended for an object or table. */
  public enum Status {
    /** Every row is sent and the table state says so. */
    COMPLETED,
    /**
     * The object cannot be read to its end: the rows before the damage are sent, the damage is in
     * the rejects store (object, line, reason), and the object counts as done.
     */
    DAMAGED,
    /** Time ran low: progress is saved and a continuation was requested (the sweep backs it up). */
    CONTINUED,
    /**
     * Another run holds the table's lease: that run sends the table's pending files (it lists the
     * folder again after releasing the lease), or the sweep does if it dies.
     */
    PENDING_ELSEWHERE,
    /** Another run took the table over while this one ran (this run's lease had expired). */
    LEASE_LOST,
    /** The key is not a DMS data file; nothing to do. */
    NOT_DMS_OBJECT,
    /** The object no longer exists (deleted after it was listed); nothing to send. */
    OBJECT_MISSING,
    /** The object changed while it was being read; its new version is sent in its place. */
    CHANGED,
    /** A change file written before a reload of its table: the reload supersedes it. */
    SUPERSEDED,
    /** The table started a new load generation (first load, reload, truncate); see the reason. */
    GENERATION_STARTED
  }

  public ObjectOutcome {
    Objects.requireNonNull(objectUri, "objectUri");
    Objects.requireNonNull(status, "status");
  }

  public static ObjectOutcome of(String uri, Status status) {
    return new ObjectOutcome(uri, status, 0, 0, 0);
  }
}
