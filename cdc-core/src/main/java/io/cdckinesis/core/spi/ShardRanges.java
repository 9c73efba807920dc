package io.cdckinesis.core.spi;

import java.math.BigInteger;
import java.util.Objects;
import java.util.Optional;

/**
 * The hash key range of a shard, so that a consumer can drop the records inside an aggregate that
 * do not belong to the shard it read them from, as the KCL does: after a reshard, a producer with a
 * stale shard map may have packed them there, and it sends them again to their right shard.
 */
@FunctionalInterface
public interface ShardRanges {

  /** Knows no shard: nothing is dropped. */
  ShardRanges UNKNOWN = (stream, shardId) -> Optional.empty();

  /**
   * The range of a shard.
   *
   * @param stream the stream's ARN or name
   * @return empty when the shard is not known (then nothing is dropped)
   */
  Optional<HashKeyRange> rangeOf(String stream, String shardId);

  /** A shard's hash key range, both ends included, as ListShards reports it. */
  record HashKeyRange(BigInteger startingHashKey, BigInteger endingHashKey) {
    public HashKeyRange {
      Objects.requireNonNull(startingHashKey, "startingHashKey");
      Objects.requireNonNull(endingHashKey, "endingHashKey");
      if (startingHashKey.compareTo(endingHashKey) > 0) {
        throw new IllegalArgumentException("starting hash key above the ending one");
      }
    }

    public boolean contains(BigInteger hashKey) {
      return hashKey.compareTo(startingHashKey) >= 0 && hashKey.compareTo(endingHashKey) <= 0;
    }
  }
}
