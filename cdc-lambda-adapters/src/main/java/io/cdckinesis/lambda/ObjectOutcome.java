package io.cdckinesis.lambda;

import java.util.Objects;

/**
 * What happened to one DMS object in one producer run.
 *
 * @param objectUri the object
 * @param status how the run ended
 * @param rows rows read in this run (records plus rejects)
 * @param records change records written to the sink in this run
 * @param rejected rows rejected in this run (they are in the rejects store)
 */
public record ObjectOutcome(
    String objectUri, Status status, long rows, long records, long rejected) {

  /** How a run on an object ended. */
  public enum Status {
    /** Every row is sent; the checkpoint says complete. */
    COMPLETED,
    /**
     * The object cannot be read to its end: the rows before the damage are sent, the damage is in
     * the rejects store (object, line, reason), and the checkpoint says complete.
     */
    DAMAGED,
    /** Time ran low: progress is checkpointed and a continuation was requested. */
    CONTINUED,
    /** A checkpoint says the object was already sent (a duplicate event). */
    ALREADY_DONE,
    /** Another worker holds a live lease on the object; retry later. */
    BUSY_ELSEWHERE,
    /** Another worker took the object over while this one ran (its lease had expired). */
    LEASE_LOST,
    /** The key is not a DMS data file; nothing to do. */
    NOT_DMS_OBJECT,
    /** The object no longer exists (deleted after the event); nothing to do. */
    OBJECT_MISSING,
    /**
     * A change file whose table's full load is not all sent yet; the run that sends the last
     * full-load file sends it.
     */
    WAITING_FOR_FULL_LOAD
  }

  public ObjectOutcome {
    Objects.requireNonNull(objectUri, "objectUri");
    Objects.requireNonNull(status, "status");
  }

  static ObjectOutcome of(String uri, Status status) {
    return new ObjectOutcome(uri, status, 0, 0, 0);
  }
}
