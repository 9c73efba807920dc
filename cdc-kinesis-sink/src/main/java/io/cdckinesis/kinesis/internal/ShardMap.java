package io.cdckinesis.kinesis.internal;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * A stream's shards as one ListShards listing showed them: the open shards and the hash-key range
 * each owns, to predict where a partition key goes (Kinesis routes by MD5 of the key), and the
 * range of every listed shard, closed ones included, to tell which records of an aggregate belong
 * to the shard it landed in. Immutable.
 */
public final class ShardMap {

  private final List<String> openIds;
  private final BigInteger[] starts;
  private final BigInteger[] ends;
  private final Map<String, BigInteger[]> ranges;

  private ShardMap(List<Range> open, Map<String, BigInteger[]> ranges) {
    this.openIds = new ArrayList<>(open.size());
    this.starts = new BigInteger[open.size()];
    this.ends = new BigInteger[open.size()];
    for (int i = 0; i < open.size(); i++) {
      openIds.add(open.get(i).shardId);
      starts[i] = open.get(i).start;
      ends[i] = open.get(i).end;
    }
    this.ranges = ranges;
  }

  /** From a ListShards listing; shards with an ending sequence number are closed. */
  public static ShardMap of(List<Shard> shards) {
    List<Range> open = new ArrayList<>();
    Map<String, BigInteger[]> ranges = new HashMap<>();
    for (Shard s : shards) {
      if (s.hashKeyRange() == null) {
        continue;
      }
      BigInteger start = new BigInteger(s.hashKeyRange().startingHashKey());
      BigInteger end = new BigInteger(s.hashKeyRange().endingHashKey());
      ranges.put(s.shardId(), new BigInteger[] {start, end});
      boolean closed =
          s.sequenceNumberRange() != null && s.sequenceNumberRange().endingSequenceNumber() != null;
      if (!closed) {
        open.add(new Range(s.shardId(), start, end));
      }
    }
    open.sort(Comparator.comparing((Range r) -> r.start));
    return new ShardMap(open, ranges);
  }

  /** The open shard owning a hash key, or {@code null} when no open shard covers it. */
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
        return openIds.get(mid);
      }
    }
    return null;
  }

  /**
   * Whether a listed shard's range holds a hash key; {@code false} for a shard not in the listing.
   */
  public boolean owns(String shardId, BigInteger hashKey) {
    BigInteger[] r = ranges.get(shardId);
    return r != null && r[0].compareTo(hashKey) <= 0 && r[1].compareTo(hashKey) >= 0;
  }

  /** Whether the listing has this shard (open or closed). */
  public boolean knows(String shardId) {
    return ranges.containsKey(shardId);
  }

  /** Open shards. */
  public int size() {
    return openIds.size();
  }

  public boolean contains(String shardId) {
    return openIds.contains(shardId);
  }

  private record Range(String shardId, BigInteger start, BigInteger end) {}
}
