package io.cdckinesis.core.spi;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.ControlRecord;

/**
 * Where change records go. A sink may buffer and batch; it never reorders the records of one key
 * and never drops one. Not thread-safe unless an implementation says so.
 *
 * <p>The contract that lets a producer checkpoint: once {@link #flush()} returns, every record
 * written before it is durably stored at the destination.
 */
public interface ChangeSink extends AutoCloseable {

  /**
   * Hands a record to the sink. May block while earlier records are sent (back-pressure).
   *
   * @throws io.cdckinesis.core.CdcException when sending has failed for good; {@link
   *     io.cdckinesis.core.CdcException#isRetryable()} says whether the same work may succeed later
   */
  void write(ChangeRecord record);

  /**
   * Hands over a control record (a table reset or column change). Every reader of the table must
   * see it after the records written before it and before those written after it: a stream sink
   * sends it to every shard. Sinks that cannot carry control records throw.
   *
   * @throws UnsupportedOperationException when this sink cannot carry control records
   * @throws io.cdckinesis.core.CdcException as {@link #write}
   */
  default void writeControl(ControlRecord record) {
    throw new UnsupportedOperationException(
        getClass().getSimpleName() + " cannot carry control records (" + record.operation() + ")");
  }

  /**
   * Sends everything written so far and waits until it is stored.
   *
   * @throws io.cdckinesis.core.CdcException as {@link #write}
   */
  void flush();

  /** Flushes, then releases resources the sink owns (never the clients it was given). */
  @Override
  void close();
}
