package io.cdckinesis.kinesis.internal;

import io.cdckinesis.kinesis.KinesisSinkConfig;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Holds the records waiting to be sent and picks each PutRecords batch, so that per-key order
 * survives partial failures.
 *
 * <p>The rule: a partition key appears in at most one entry of a batch, and a key with an entry
 * waiting to be retried appears in no batch until that entry has been sent again. So a later record
 * of a key is never written while an earlier one of the same key is unacknowledged, and failed
 * entries go out ahead of their keys' successors. Other keys fill the batch meanwhile, so one slow
 * key does not stall the rest. With aggregation, records of one key are packed, in order, into one
 * aggregate per target shard; an aggregate is resent unchanged, so it stays atomic.
 */
public final class BatchPlanner {

  /** Marks a key that must not enter the current batch. */
  private static final Object BLOCKED = new Object();

  private final KinesisSinkConfig config;
  private ArrayDeque<UserRecord> fresh = new ArrayDeque<>();
  private long freshBytes;
  private final TreeMap<Long, OutgoingRecord> retries = new TreeMap<>();

  public BatchPlanner(KinesisSinkConfig config) {
    this.config = config;
  }

  public void add(UserRecord record) {
    fresh.addLast(record);
    freshBytes += record.kinesisBytes();
  }

  /** Puts a failed entry back; it goes out again, ahead of its keys' later records. */
  public void retry(OutgoingRecord record) {
    retries.put(record.seq(), record);
  }

  public int freshRecords() {
    return fresh.size();
  }

  public long freshBytes() {
    return freshBytes;
  }

  public int retryEntries() {
    return retries.size();
  }

  public boolean isEmpty() {
    return fresh.isEmpty() && retries.isEmpty();
  }

  /** When the earliest retry that is not yet due may go, if any. */
  public OptionalLong nextRetryNanos(long nowNanos) {
    return retries.values().stream()
        .mapToLong(OutgoingRecord::readyAtNanos)
        .filter(t -> t > nowNanos)
        .min();
  }

  /**
   * The next batch: retries that are due first, then new records in arrival order, within the count
   * and byte limits. Empty when everything waiting is blocked behind a retry not yet due.
   *
   * @param shards the shard map when aggregating, else {@code null}
   */
  public List<OutgoingRecord> nextBatch(long nowNanos, ShardMap shards) {
    Map<String, Object> owner = new HashMap<>();
    List<OutgoingRecord> batch = new ArrayList<>();
    long bytes = 0;

    for (Iterator<OutgoingRecord> it = retries.values().iterator(); it.hasNext(); ) {
      OutgoingRecord r = it.next();
      boolean take =
          r.readyAtNanos() <= nowNanos
              && batch.size() < config.maxBatchRecords()
              && bytes + r.kinesisBytes() <= config.maxRequestBytes()
              && r.keys().stream().noneMatch(owner::containsKey);
      for (String k : r.keys()) {
        owner.putIfAbsent(k, take ? r : BLOCKED);
      }
      if (take) {
        batch.add(r);
        bytes += r.kinesisBytes();
        it.remove();
      }
    }

    Map<String, KplAggregate> open = new LinkedHashMap<>(); // by shard
    List<KplAggregate> aggregates = new ArrayList<>();
    Tally tally = new Tally(batch.size(), bytes);
    ArrayDeque<UserRecord> kept = new ArrayDeque<>();
    long keptBytes = 0;
    for (UserRecord u : fresh) {
      boolean full = shards == null && tally.entries >= config.maxBatchRecords();
      if (full || !place(u, owner, open, aggregates, batch, tally, shards)) {
        // Its later records must wait too, even if an open aggregate holds its earlier ones.
        owner.put(u.partitionKey(), BLOCKED);
        kept.addLast(u);
        keptBytes += u.kinesisBytes();
      }
    }
    fresh = kept;
    freshBytes = keptBytes;
    for (KplAggregate a : aggregates) {
      batch.add(a.toOutgoing());
    }
    return batch;
  }

  private boolean place(
      UserRecord u,
      Map<String, Object> owner,
      Map<String, KplAggregate> open,
      List<KplAggregate> aggregates,
      List<OutgoingRecord> batch,
      Tally tally,
      ShardMap shards) {
    Object o = owner.get(u.partitionKey());
    if (o == BLOCKED) {
      return false;
    }
    String shard = shards == null ? null : shards.shardFor(u.hashKey());
    if (shard == null || !KplAggregate.fitsAlone(u, config.maxRecordBytes())) {
      // Sent on its own: no aggregation, too big for an aggregate, or no shard known for it.
      if (o != null
          || tally.entries >= config.maxBatchRecords()
          || tally.bytes + u.kinesisBytes() > config.maxRequestBytes()) {
        return false;
      }
      OutgoingRecord r = OutgoingRecord.single(u, shard);
      batch.add(r);
      tally.entries++;
      tally.bytes += u.kinesisBytes();
      owner.put(u.partitionKey(), r);
      return true;
    }
    KplAggregate a = open.get(shard);
    if (o != null && o != a) {
      return false; // the key is in another entry of this batch
    }
    if (a != null) {
      int growth = a.growthIfAdded(u);
      if (growth >= 0 && tally.bytes + growth <= config.maxRequestBytes()) {
        a.tryAdd(u);
        tally.bytes += growth;
        owner.put(u.partitionKey(), a);
        return true;
      }
      if (o == a) {
        return false; // its key is in the full aggregate: wait for the next batch
      }
    }
    // Start a new aggregate for the shard; a full one stays in the batch as it is.
    if (tally.entries >= config.maxBatchRecords()) {
      return false;
    }
    KplAggregate started = new KplAggregate(u, shard, config.maxRecordBytes());
    if (tally.bytes + started.kinesisBytes() > config.maxRequestBytes()) {
      return false;
    }
    open.put(shard, started);
    aggregates.add(started);
    tally.entries++;
    tally.bytes += started.kinesisBytes();
    owner.put(u.partitionKey(), started);
    return true;
  }

  /** Entries and bytes of the batch being built. */
  private static final class Tally {
    int entries;
    long bytes;

    Tally(int entries, long bytes) {
      this.entries = entries;
      this.bytes = bytes;
    }
  }
}
