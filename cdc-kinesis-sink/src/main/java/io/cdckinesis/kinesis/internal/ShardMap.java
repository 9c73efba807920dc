package io.cdckinesis.kinesis.internal;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * The open shards of a stream and the hash-key range each one owns, to predict where a partition
 * key goes (Kinesis routes by MD5 of the key). Immutable.
 */
public final class ShardMap {

  private final List<String> shardIds;
  private final BigInteger[] starts;
  private final BigInteger[] ends;

  private ShardMap(List<Range> ranges) {
    this.shardIds = new ArrayList<>(ranges.size());
    this.starts = new BigInteger[ranges.size()];
    this.ends = new BigInteger[ranges.size()];
    for (int i = 0; i < ranges.size(); i++) {
      shardIds.add(ranges.get(i).shardId);
      starts[i] = ranges.get(i).start;
      ends[i] = ranges.get(i).end;
    }
  }

  /** From a ListShards listing: closed shards (with an ending sequence number) are left out. */
  public static ShardMap of(List<Shard> shards) {
    List<Range> open = new ArrayList<>();
    for (Shard s : shards) {
      if (s.sequenceNumberRange() != null
          && s.sequenceNumberRange().endingSequenceNumber() != null) {
        continue;
      }
      open.add(
          new Range(
              s.shardId(),
              new BigInteger(s.hashKeyRange().startingHashKey()),
              new BigInteger(s.hashKeyRange().endingHashKey())));
    }
    open.sort(Comparator.comparing((Range r) -> r.start));
    return new ShardMap(open);
  }

  /** The shard owning a hash key, or {@code null} when no open shard covers it. */
  public String shardFor(BigInteger hashKey) {
    int lo = 0;
    int hi = starts.length - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (starts[mid].compareTo(hashKey) > 0) {
        hi = mid - 1;
      } else if (ends[mid].compareTo(hashKey) < 0) {
        lo = mid + 1;
      } else {
        return shardIds.get(mid);
      }
    }
    return null;
  }

  public int size() {
    return shardIds.size();
  }

  public boolean contains(String shardId) {
    return shardIds.contains(shardId);
  }

  private record Range(String shardId, BigInteger start, BigInteger end) {}
}
