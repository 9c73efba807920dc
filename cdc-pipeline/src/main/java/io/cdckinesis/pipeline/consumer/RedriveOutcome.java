package io.cdckinesis.pipeline.consumer;

/** What {@link ChangeConsumer#redrive} did with a dead letter. */
public enum RedriveOutcome {
  /** Handed to its handler, which returned normally; recorded as applied. */
  APPLIED,
  /** Not applied: its row already has this change or a later one. */
  SUPERSEDED,
  /** Not applied: its table was reset to a newer load generation since. */
  STALE,
  /** The handler refused it again for good (or it still cannot be decoded); nothing changed. */
  REFUSED,
  /** The handler (or a store) failed in a way that may pass: try again later. */
  NOT_DONE
}
