package io.cdckinesis.lambda;

import io.cdckinesis.core.SourcePosition;
import java.util.Optional;

/**
 * Remembers, per row key, the source position of the last change applied, so that a consumer skips
 * redelivered records (Kinesis, Lambda and S3 events are all at least once) and records superseded
 * by a later change of the same row.
 *
 * <p>The in-memory default ({@link InMemoryAppliedPositionStore}) lives as long as the Lambda
 * container. For an exactly-once effect across containers, back it with a durable store: for
 * example a DynamoDB table keyed by {@code key} holding the position's URI and row, written with a
 * condition expression that only accepts a later position, in the same transaction as the handler's
 * own write when the handler writes to DynamoDB.
 */
public interface AppliedPositionStore {

  /**
   * The position of the last change applied for a key.
   *
   * @param key the row key: table and primary-key values (see {@link
   *     io.cdckinesis.kinesis.PartitionKeys})
   */
  Optional<SourcePosition> lastApplied(String key);

  /** Records that the change at {@code position} has been applied for {@code key}. */
  void markApplied(String key, SourcePosition position);

  /** Whether a change at this position is already applied or superseded for the key. */
  default boolean isApplied(String key, SourcePosition position) {
    return lastApplied(key).map(last -> position.compareTo(last) <= 0).orElse(false);
  }
}
