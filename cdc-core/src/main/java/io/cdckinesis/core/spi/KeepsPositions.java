package io.cdckinesis.core.spi;

import io.cdckinesis.core.TableId;

/**
 * Implemented by a {@link TableHandler} that keeps applied positions itself, in the same
 * transaction as its effect (a JDBC target, say): the exactly-once path for a target that has
 * transactions. The consumer then uses no {@link AppliedPositionStore} for the handler's tables and
 * hands it every change that is not stale, duplicates included; the handler must:
 *
 * <ul>
 *   <li>apply a change only if its {@link ChangeInput#position()} is after the position stored for
 *       its {@link ChangeInput#rowKey()} (compare {@link
 *       io.cdckinesis.core.SourcePosition#sortKey()} strings in SQL, collation {@code "C"}), and
 *       store the new position in the same transaction; a delete keeps the row's key and position
 *       (a tombstone), so that an older change of the row cannot bring it back;
 *   <li>in {@link TableHandler#onTruncate}, remove the rows of older generations and store the
 *       table's new generation, in one transaction, and answer it from {@link #generation};
 *   <li>make every change it returned from durable by the end of {@link TableHandler#onBatchEnd}
 *       (or earlier).
 * </ul>
 */
public interface KeepsPositions {

  /**
   * The table's load generation as this handler last stored it in {@link TableHandler#onTruncate}
   * (0 when never). The consumer skips records of older generations and resets the table when a
   * record of a newer one arrives.
   */
  long generation(TableId table);
}
