package io.cdckinesis.jdbc;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.ControlRecord;
import io.cdckinesis.core.TableId;

/**
 * A unit of work against the target: many changes, one commit. Obtained from {@link
 * JdbcChangeApplier#begin()}; one at a time per applier.
 *
 * <p>The contract: when {@link #commit()} returns, every change whose {@code apply} returned
 * normally is durable together with its position (some may have become durable earlier: a schema
 * change commits the work before it, which is safe because positions always commit with their
 * effects). A failed {@code apply} leaves the transaction usable: the failed change is not part of
 * it, and the changes applied before it are re-applied on a fresh connection when needed (the
 * database rolls a failed statement's whole transaction back). When {@code commit()} throws, the
 * outcome is unknown; calling it again, or redelivering the changes to a new transaction, is safe.
 * Closing without a commit rolls back.
 */
public interface ApplyTransaction extends AutoCloseable {

  /**
   * Applies a data change if it is newer than what its row holds.
   *
   * @throws JdbcApplyException when it cannot be applied; {@code isRetryable()} says whether it may
   *     succeed later
   */
  ApplyOutcome apply(ChangeRecord change);

  /**
   * Applies a control record: a truncate or drop resets the table to the record's generation, an
   * add-column adds columns, a drop-column keeps them (see docs/jdbc.md).
   *
   * @throws JdbcApplyException when it cannot be applied
   */
  ApplyOutcome apply(ControlRecord control);

  /**
   * Resets a table to load generation {@code generation} (a truncate, drop or reload): deletes its
   * rows and tombstones of older generations (rows of this generation or later, which may have
   * arrived first from other shards, stay) and records the generation, so that changes of older
   * generations arriving later are {@link ApplyOutcome#SUPERSEDED}. {@link ApplyOutcome#STALE} when
   * the table is already at this generation or a later one.
   *
   * @param source the source table (mapped to its target as for changes)
   * @throws JdbcApplyException when it cannot be applied
   */
  ApplyOutcome reset(TableId source, long generation);

  /**
   * The load generation the target of a source table is at (0 when never reset), read under a lock
   * that a reset waits for until this transaction ends.
   *
   * @throws JdbcApplyException when it cannot be read
   */
  long generation(TableId source);

  /**
   * Commits everything applied so far; the transaction is then finished.
   *
   * @throws JdbcApplyException when the commit fails (retryable unless the database says otherwise)
   */
  void commit();

  /** Rolls back what was not committed and ends the transaction. Never throws. */
  @Override
  void close();
}
