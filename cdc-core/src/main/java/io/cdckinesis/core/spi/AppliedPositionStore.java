package io.cdckinesis.core.spi;

import io.cdckinesis.core.SourcePosition;
import io.cdckinesis.core.TableId;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Remembers, per row key, the source position of the last change applied, and per table the highest
 * load generation seen, so that a consumer never applies a change twice and never applies an older
 * change over a newer one: Kinesis, Lambda and S3 events all deliver at least once, and a reshard
 * or a late producer can deliver out of order.
 *
 * <p>For an exactly-once effect across Lambda containers use a durable store (the DynamoDB one in
 * {@code cdc-dynamodb}). The in-memory store of {@code cdc-pipeline} is a single-container
 * convenience: a new container starts empty and re-applies what another one already applied.
 * Handlers that keep positions in their own transaction ({@link KeepsPositions}) need neither.
 *
 * <p>Row keys are the stream's partition keys (table and primary-key values, escaped); keys of
 * other kinds that a consumer stores (e.g. for column changes) begin with a backslash and a letter
 * other than {@code N} or {@code #}, which no row key does.
 */
public interface AppliedPositionStore {

  /**
   * The positions of the last changes applied for these keys, in as few calls as the store allows;
   * keys never applied are absent from the map.
   *
   * @throws io.cdckinesis.core.StoreException when the store cannot be read
   */
  Map<String, SourcePosition> lastApplied(Collection<String> rowKeys);

  /** The position of the last change applied for one key. */
  default Optional<SourcePosition> lastApplied(String rowKey) {
    return Optional.ofNullable(lastApplied(List.of(rowKey)).get(rowKey));
  }

  /** Whether a change at this position is already applied or superseded for the key. */
  default boolean isApplied(String rowKey, SourcePosition position) {
    return lastApplied(rowKey).map(last -> position.compareTo(last) <= 0).orElse(false);
  }

  /**
   * Records that the change at {@code position} has been applied for {@code rowKey}, unless a
   * position at or after it is already recorded (one write, conditional on that).
   *
   * @return true when recorded; false when the key already had this position or a later one
   * @throws io.cdckinesis.core.StoreException when the store cannot be written
   */
  boolean markApplied(String rowKey, SourcePosition position);

  /**
   * The highest load generation recorded for the table; 0 when none.
   *
   * @throws io.cdckinesis.core.StoreException when the store cannot be read
   */
  long generation(TableId table);

  /**
   * Raises the table's generation to {@code generation} unless it is already as high (one
   * conditional write).
   *
   * @return the generation recorded afterwards: {@code generation} or a higher one
   * @throws io.cdckinesis.core.StoreException when the store cannot be written
   */
  long raiseGeneration(TableId table, long generation);
}
