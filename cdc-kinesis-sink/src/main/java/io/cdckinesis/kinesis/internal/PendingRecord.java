package io.cdckinesis.kinesis.internal;

/**
 * A change record the sink holds until Kinesis acknowledges it, with what happened to it so far.
 * Owned by the sink's driving thread.
 */
final class PendingRecord {

  final UserRecord record;
  final Backlog.KeyQueue key;

  /** Failures other than throttling: they count against {@code maxAttempts}. */
  int failures;

  /** Whole calls refused for throttling: they lengthen the wait, never end the attempts. */
  int callThrottles;

  PendingRecord(UserRecord record, Backlog.KeyQueue key) {
    this.record = record;
    this.key = key;
  }
}
