package io.cdckinesis.kinesis.internal;

import io.cdckinesis.kinesis.KinesisSinkConfig;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;

/**
 * The records waiting to be sent, and the choice of each PutRecords call, so that per-key order
 * holds with several calls in flight and each shard is offered about what it can take.
 *
 * <p>Records wait in one FIFO queue per partition key; each key lives in the lane of the shard the
 * shard map routes it to, and each lane has a {@link ShardPacer}. The rules:
 *
 * <ul>
 *   <li>A key with an entry in flight is <b>busy</b>: none of its records enters another entry
 *       until that one is answered. So a key never has two records in flight, and within one call a
 *       key appears in one entry only (PutRecords does not order its entries).
 *   <li>A failed entry's records go back to the <b>front</b> of their keys' queues (a transient
 *       failure with a backoff before the key is ready again), so they go out before any later
 *       record of their keys.
 *   <li>Within a lane, keys are served oldest head record first, and a lane offers nothing while
 *       its oldest ready record does not fit the shard's budget: no smaller record overtakes it for
 *       budget, so nothing starves (a retried record is old, so it comes first).
 *   <li>With aggregation, one entry packs a key's queued records in order (as many as fit) with
 *       other keys of the same lane, up to the aggregate cap and the shard's budget.
 * </ul>
 *
 * <p>Owned by the sink's driving thread; times are nanoseconds on the sink's clock.
 */
final class Backlog {

  /** A shard is offered records once this fraction of its second (1/n) has room. */
  static final int MIN_CHUNK_DIVISOR = 20;

  private final KinesisSinkConfig config;
  private final long minChunkRecords;
  private final long minChunkBytes;
  private final Map<String, KeyQueue> keys = new HashMap<>();
  private final Map<String, Lane> lanes = new HashMap<>();
  private final Lane unknown = new Lane(null, null);
  private final PriorityQueue<KeyQueue> delayed =
      new PriorityQueue<>(Comparator.comparingLong((KeyQueue k) -> k.readyAtNanos));
  private ShardMap map;
  private long queuedRecords;
  private long queuedBytes;

  Backlog(KinesisSinkConfig config) {
    this.config = config;
    // Start offering a shard records once a twentieth of its second has room, not one record at a
    // time: the budget frees as earlier sends leave the window, and tiny calls would follow it.
    // (The price: the shard's window runs up to a twentieth below its limit before it is topped
    // up, a few percent of its throughput.)
    this.minChunkRecords = Math.max(1, config.shardRecordsPerSecond() / MIN_CHUNK_DIVISOR);
    this.minChunkBytes = Math.max(1, config.shardBytesPerSecond() / MIN_CHUNK_DIVISOR);
  }

  /** A partition key's records waiting to be sent, oldest first. */
  static final class KeyQueue {
    final String key;
    final BigInteger hashKey;
    final ArrayDeque<PendingRecord> queue = new ArrayDeque<>();
    long queuedBytes;
    Lane lane;
    boolean inFlight;
    boolean delayed;
    long readyAtNanos;

    KeyQueue(String key, BigInteger hashKey) {
      this.key = key;
      this.hashKey = hashKey;
    }

    long headSeq() {
      return queue.peekFirst().record.seq();
    }
  }

  /** A shard's keys, its pacer, and what waits in it. */
  static final class Lane {
    final String shardId; // null: the shard is not known, the lane is not paced
    final ShardPacer pacer; // null when not paced
    final TreeMap<Long, KeyQueue> ready = new TreeMap<>(); // by head record's arrival
    long queuedRecords;
    long queuedBytes;

    Lane(String shardId, ShardPacer pacer) {
      this.shardId = shardId;
      this.pacer = pacer;
    }
  }

  // ---- state ------------------------------------------------------------------------------------

  boolean isEmpty() {
    return queuedRecords == 0;
  }

  /** Records waiting, not in flight. */
  long queuedRecords() {
    return queuedRecords;
  }

  long queuedBytes() {
    return queuedBytes;
  }

  /** The keys with records waiting or in flight. */
  int keys() {
    return keys.size();
  }

  // ---- records in
  // ---------------------------------------------------------------------------------

  void add(UserRecord u) {
    KeyQueue k = keys.get(u.partitionKey());
    if (k == null) {
      k = new KeyQueue(u.partitionKey(), u.hashKey());
      k.lane = laneFor(k.hashKey);
      keys.put(u.partitionKey(), k);
    }
    boolean wasEmpty = k.queue.isEmpty();
    k.queue.addLast(new PendingRecord(u, k));
    count(k, 1, u.kinesisBytes());
    if (wasEmpty && !k.inFlight && !k.delayed) {
      activate(k, 0); // a new key: nothing delays it
    }
  }

  /**
   * Routes every key by a new shard map. Lanes of shards still open keep their pacer (and what it
   * has sent in the window); lanes of closed shards go.
   */
  void useMap(ShardMap newMap) {
    this.map = newMap;
    for (KeyQueue k : keys.values()) {
      Lane to = laneFor(k.hashKey);
      if (to == k.lane) {
        continue;
      }
      Long head = k.queue.isEmpty() ? null : k.headSeq();
      boolean wasReady = head != null && k.lane.ready.remove(head, k);
      k.lane.queuedRecords -= k.queue.size();
      k.lane.queuedBytes -= k.queuedBytes;
      k.lane = to;
      to.queuedRecords += k.queue.size();
      to.queuedBytes += k.queuedBytes;
      if (wasReady) {
        to.ready.put(head, k);
      }
    }
    lanes.keySet().removeIf(id -> !newMap.contains(id));
  }

  private Lane laneFor(BigInteger hashKey) {
    String shard = map == null ? null : map.shardFor(hashKey);
    if (shard == null) {
      return unknown;
    }
    return lanes.computeIfAbsent(
        shard,
        id ->
            new Lane(
                id, new ShardPacer(config.shardBytesPerSecond(), config.shardRecordsPerSecond())));
  }

  private void count(KeyQueue k, long records, long bytes) {
    k.queuedBytes += bytes;
    k.lane.queuedRecords += records;
    k.lane.queuedBytes += bytes;
    queuedRecords += records;
    queuedBytes += bytes;
  }

  /** Puts an idle key where it belongs: ready in its lane, waiting for its backoff, or gone. */
  private void activate(KeyQueue k, long now) {
    if (k.queue.isEmpty()) {
      if (!k.inFlight) {
        keys.remove(k.key);
      }
      return;
    }
    if (k.readyAtNanos > now) {
      k.delayed = true;
      delayed.add(k);
    } else {
      k.lane.ready.put(k.headSeq(), k);
    }
  }

  private void wakeDelayed(long now) {
    while (!delayed.isEmpty() && delayed.peek().readyAtNanos <= now) {
      KeyQueue k = delayed.poll();
      k.delayed = false;
      activate(k, now);
    }
  }

  // ---- answers
  // ------------------------------------------------------------------------------------

  /**
   * An entry was answered: its keys are no longer busy. {@code resend} of its records go back to
   * the front of their keys' queues, ready at {@code readyAtNanos}; the rest were written.
   */
  void finish(OutgoingRecord o, List<PendingRecord> resend, long readyAtNanos, long now) {
    for (int i = resend.size() - 1; i >= 0; i--) {
      PendingRecord p = resend.get(i);
      p.key.queue.addFirst(p);
      count(p.key, 1, p.record.kinesisBytes());
      p.key.readyAtNanos = Math.max(p.key.readyAtNanos, readyAtNanos);
    }
    for (PendingRecord p : o.records) {
      KeyQueue k = p.key;
      if (k.inFlight) {
        k.inFlight = false;
        activate(k, now);
      }
    }
  }

  // ---- choosing a call
  // ----------------------------------------------------------------------------

  /**
   * The entries of the next call: within the count and byte limits of a request, one entry per key,
   * each lane within its shard's budget. Empty when nothing may go now. Unless {@code force}
   * (flushing, or the buffer is full), only a full call goes.
   */
  List<OutgoingRecord> nextBatch(long now, boolean force) {
    wakeDelayed(now);
    if (!force && !fullBatchAvailable(now)) {
      return List.of();
    }
    PriorityQueue<Lane> candidates =
        new PriorityQueue<>(Comparator.comparingLong((Lane l) -> l.ready.firstKey()));
    for (Lane l : lanesWithReadyKeys()) {
      candidates.add(l);
    }
    List<OutgoingRecord> batch = new ArrayList<>();
    Set<Lane> started = new HashSet<>();
    long bytes = 0;
    while (!candidates.isEmpty() && batch.size() < config.maxBatchRecords()) {
      Lane lane = candidates.poll();
      OutgoingRecord o = take(lane, now, config.maxRequestBytes() - bytes, !started.add(lane));
      if (o == null) {
        continue; // the lane offers nothing more to this call
      }
      batch.add(o);
      bytes += o.kinesisBytes;
      if (!lane.ready.isEmpty()) {
        candidates.add(lane);
      }
    }
    return batch;
  }

  private List<Lane> lanesWithReadyKeys() {
    List<Lane> out = new ArrayList<>(lanes.size() + 1);
    for (Lane l : lanes.values()) {
      if (!l.ready.isEmpty()) {
        out.add(l);
      }
    }
    if (!unknown.ready.isEmpty()) {
      out.add(unknown);
    }
    return out;
  }

  /**
   * Whether a call worth sending could be made now, judged from the lanes' budgets: a full call
   * (count or bytes), or with aggregation a full aggregate for as many shards as the stream has (a
   * call of 5 MiB may be more than a few shards take in a second).
   */
  private boolean fullBatchAvailable(long now) {
    boolean aggregating = config.aggregation();
    long aggregatesWanted =
        Math.max(1, Math.min(lanes.size(), config.maxRequestBytes() / config.maxAggregateBytes()));
    if (aggregating
        ? queuedBytes < aggregatesWanted * config.maxAggregateBytes()
        : queuedRecords < config.maxBatchRecords() && queuedBytes < config.maxRequestBytes()) {
      return false;
    }
    long records = 0;
    long bytes = 0;
    long aggregates = 0;
    for (Lane l : lanesWithReadyKeys()) {
      long laneBytes =
          l.pacer == null ? l.queuedBytes : Math.min(l.queuedBytes, l.pacer.availableBytes(now));
      records +=
          l.pacer == null
              ? l.ready.size()
              : Math.min(l.ready.size(), l.pacer.availableRecords(now));
      bytes += laneBytes;
      aggregates += laneBytes / config.maxAggregateBytes();
    }
    return bytes >= config.maxRequestBytes()
        || (aggregating ? aggregates >= aggregatesWanted : records >= config.maxBatchRecords());
  }

  /**
   * The next entry from a lane, or {@code null} when the lane offers nothing to this call now.
   *
   * @param roomBytes bytes left in the request (a record too large for them waits for the next)
   * @param started whether the lane has given this call an entry already: then the rest of its
   *     budget may go too, however little (the first entry waits for a worthwhile chunk)
   */
  private OutgoingRecord take(Lane lane, long now, long roomBytes, boolean started) {
    KeyQueue k = lane.ready.firstEntry().getValue();
    PendingRecord head = k.queue.peekFirst();
    UserRecord u = head.record;
    boolean aggregate =
        config.aggregation() && KplAggregate.sizeAlone(u) <= config.maxAggregateBytes();
    if (!aggregate) {
      if (u.kinesisBytes() > roomBytes) {
        return null;
      }
      ShardPacer.Slot slot = null;
      if (lane.pacer != null) {
        long needRecords = started ? 1 : needRecords(lane);
        long needBytes = started ? u.kinesisBytes() : Math.max(u.kinesisBytes(), needBytes(lane));
        if (!lane.pacer.fits(now, needRecords, needBytes)) {
          return null;
        }
        slot = lane.pacer.take(now, 1, u.kinesisBytes());
      }
      takeHead(k);
      return OutgoingRecord.single(head, lane, slot);
    }
    int alone = KplAggregate.sizeAlone(u);
    long cap = Math.min(config.maxAggregateBytes(), roomBytes);
    if (lane.pacer != null) {
      long need =
          started ? alone : Math.max(alone, Math.min(config.maxAggregateBytes(), lane.queuedBytes));
      if (!lane.pacer.fits(now, 1, need)) {
        return null;
      }
      cap = Math.min(cap, Math.max(alone, lane.pacer.availableBytes(now)));
    }
    if (alone > cap) {
      return null;
    }
    KplAggregate a = new KplAggregate(u, (int) cap);
    List<PendingRecord> packed = new ArrayList<>();
    packed.add(takeHead(k));
    boolean full = false;
    while (!full) {
      // the busy key's next records first, in order; then the lane's next key
      while (!k.queue.isEmpty()) {
        PendingRecord p = k.queue.peekFirst();
        if (!a.tryAdd(p.record)) {
          full = true;
          break;
        }
        packed.add(p);
        takeQueued(k);
      }
      if (full || lane.ready.isEmpty()) {
        break;
      }
      k = lane.ready.firstEntry().getValue();
      if (!a.tryAdd(k.queue.peekFirst().record)) {
        break;
      }
      packed.add(takeHead(k));
    }
    ShardPacer.Slot slot = lane.pacer == null ? null : lane.pacer.take(now, 1, a.kinesisBytes());
    if (packed.size() == 1) {
      return OutgoingRecord.single(packed.get(0), lane, slot);
    }
    return OutgoingRecord.aggregate(packed, a, lane, slot);
  }

  private long needRecords(Lane lane) {
    return Math.max(1, Math.min(minChunkRecords, lane.ready.size()));
  }

  private long needBytes(Lane lane) {
    return Math.min(minChunkBytes, lane.queuedBytes);
  }

  /** Takes a ready key's head record: the key becomes busy. */
  private PendingRecord takeHead(KeyQueue k) {
    k.lane.ready.remove(k.headSeq());
    k.inFlight = true;
    return takeQueued(k);
  }

  private PendingRecord takeQueued(KeyQueue k) {
    PendingRecord p = k.queue.pollFirst();
    count(k, -1, -p.record.kinesisBytes());
    return p;
  }

  // ---- waiting
  // ------------------------------------------------------------------------------------

  /**
   * The earliest time something waiting may become sendable by time alone (a shard's budget, a
   * backoff), or {@link Long#MAX_VALUE} when only an answer to a call in flight can help.
   */
  long nextWakeNanos(long now) {
    long wake = Long.MAX_VALUE;
    if (!delayed.isEmpty()) {
      wake = delayed.peek().readyAtNanos;
    }
    for (Lane l : lanesWithReadyKeys()) {
      if (l.pacer == null) {
        return now;
      }
      UserRecord u = l.ready.firstEntry().getValue().queue.peekFirst().record;
      long at;
      if (config.aggregation() && KplAggregate.sizeAlone(u) <= config.maxAggregateBytes()) {
        long need =
            Math.max(
                KplAggregate.sizeAlone(u), Math.min(config.maxAggregateBytes(), l.queuedBytes));
        at = l.pacer.whenFits(now, 1, need);
      } else {
        at = l.pacer.whenFits(now, needRecords(l), Math.max(u.kinesisBytes(), needBytes(l)));
      }
      wake = Math.min(wake, at);
    }
    return wake;
  }

  /** For diagnostics: keys and lanes in one line. */
  @Override
  public String toString() {
    int ready = 0;
    for (Iterator<Lane> it = lanesWithReadyKeys().iterator(); it.hasNext(); ) {
      ready += it.next().ready.size();
    }
    return queuedRecords
        + " records of "
        + keys.size()
        + " keys waiting ("
        + ready
        + " keys ready, "
        + delayed.size()
        + " in backoff)";
  }
}
