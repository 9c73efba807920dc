package io.cdckinesis.kinesis.internal;

import java.util.ArrayDeque;

/**
 * Paces the writes to one shard so that it is offered about what it can take: a byte and a record
 * budget per second, like the KPL's per-shard rate limiter (two token streams per shard), but
 * measured over a sliding window, as Kinesis measures a shard's throughput, rather than with token
 * buckets (a full bucket lets through up to twice the limit within one second).
 *
 * <p>The ledger holds what is in flight and what was answered in the last second; an item goes when
 * the ledger plus the item fit the budget. An entry counts from its dispatch until a second after
 * its answer: Kinesis counted it at some moment between the two, so a shard is never offered more
 * than its limit in any second, however the latencies of calls spread (a second and a latency per
 * entry, instead of a second: about 97% of the limit at 30 ms per call). Entries refused by Kinesis
 * are refunded when answered. The budget is the shard's limit times a factor adapted from
 * throttling feedback (additive increase, multiplicative decrease): throttling means the shard has
 * less room than the ledger shows (other writers), so the factor drops; a throttle-free second
 * raises it again, up to 1. A throttled shard also rests for a short, growing while (the shard is
 * full now, whatever the ledger says), so that its records are not offered again straight into the
 * same refusal.
 *
 * <p>Times are nanoseconds on the sink's clock. Not thread-safe: the sink's driving thread owns it.
 */
final class ShardPacer {

  /** The window Kinesis measures a shard's throughput over. */
  static final long WINDOW_NANOS = 1_000_000_000L;

  static final double MIN_FACTOR = 0.25;
  static final double DECREASE = 0.85;
  static final double INCREASE_PER_SECOND = 0.1;

  private final long bytesPerSecond;
  private final long recordsPerSecond;
  private final ArrayDeque<Slot> slots = new ArrayDeque<>();
  private long bytes; // in flight and answered in the window
  private long records;
  private long settledBytes; // answered and accepted in the window
  private long settledRecords;
  private double factor = 1.0;
  private long lastThrottleNanos = Long.MIN_VALUE / 2;
  private long lastDecreaseNanos = Long.MIN_VALUE / 2;
  private long lastIncreaseNanos = Long.MIN_VALUE / 2;
  private long restUntilNanos = Long.MIN_VALUE / 2;
  private int throttleStreak;
  private long lastSettledNanos = Long.MIN_VALUE / 2;

  ShardPacer(long bytesPerSecond, long recordsPerSecond) {
    this.bytesPerSecond = bytesPerSecond;
    this.recordsPerSecond = recordsPerSecond;
  }

  /** What one entry took from the budget: in flight until settled, then in the window. */
  static final class Slot {
    final long records;
    final long bytes;
    long at; // when answered
    boolean settled;

    Slot(long records, long bytes) {
      this.records = records;
      this.bytes = bytes;
    }
  }

  long capRecords() {
    return Math.max(1, (long) (recordsPerSecond * factor));
  }

  long capBytes() {
    return Math.max(1, (long) (bytesPerSecond * factor));
  }

  double factor() {
    return factor;
  }

  long availableRecords(long now) {
    expire(now);
    return Math.max(0, capRecords() - records);
  }

  long availableBytes(long now) {
    expire(now);
    return Math.max(0, capBytes() - bytes);
  }

  /**
   * Whether {@code needRecords} and {@code needBytes} fit now. A need larger than the whole budget
   * fits when the window is empty, so an item bigger than a reduced budget still goes.
   */
  boolean fits(long now, long needRecords, long needBytes) {
    expire(now);
    return now >= restUntilNanos && fitsAfter(records, bytes, needRecords, needBytes);
  }

  /**
   * The earliest time {@code needRecords} and {@code needBytes} fit, given what was sent; {@link
   * Long#MAX_VALUE} when only answers to calls in flight can make room.
   */
  long whenFits(long now, long needRecords, long needBytes) {
    expire(now);
    long from = Math.max(now, restUntilNanos);
    if (fitsAfter(records, bytes, needRecords, needBytes)) {
      return from;
    }
    long r = records;
    long b = bytes;
    for (Slot s : slots) {
      r -= s.records;
      b -= s.bytes;
      if (fitsAfter(r, b, needRecords, needBytes)) {
        return Math.max(from, s.at + WINDOW_NANOS);
      }
    }
    return Long.MAX_VALUE;
  }

  private boolean fitsAfter(long r, long b, long needRecords, long needBytes) {
    if (r <= 0 && b <= 0) {
      return true;
    }
    return r + needRecords <= capRecords() && b + needBytes <= capBytes();
  }

  /** Records a dispatch: it counts until a window after it is settled. */
  Slot take(long now, long records, long bytes) {
    expire(now);
    Slot s = new Slot(records, bytes);
    this.records += records;
    this.bytes += bytes;
    return s;
  }

  /**
   * The entry was answered at {@code now} (called in answer order, so times only grow): it stays in
   * the window for a second from now, or leaves at once when Kinesis refused it ({@code refused}:
   * it did not count against the shard).
   */
  void settle(Slot s, long now, boolean refused) {
    if (s.settled) {
      return;
    }
    s.settled = true;
    if (refused) {
      records -= s.records;
      bytes -= s.bytes;
      return;
    }
    s.at = Math.max(now, lastSettledNanos);
    lastSettledNanos = s.at;
    slots.addLast(s);
    settledRecords += s.records;
    settledBytes += s.bytes;
  }

  /**
   * Kinesis throttled this shard (once per answer, however many entries): lower the budget, at most
   * once per fifth of a window, to what the shard took in the last window if that is less (the room
   * other writers leave), else by a fixed fraction.
   *
   * @return how many answers in a row have throttled it, this one included
   */
  int throttled(long now) {
    lastThrottleNanos = now;
    if (now - lastDecreaseNanos >= WINDOW_NANOS / 5) {
      expire(now);
      double took =
          Math.max(
              (double) settledRecords / recordsPerSecond, (double) settledBytes / bytesPerSecond);
      factor = Math.max(MIN_FACTOR, Math.min(factor * DECREASE, took));
      lastDecreaseNanos = now;
    }
    return ++throttleStreak;
  }

  /** Offers the shard nothing before this time. */
  void restUntil(long nanos) {
    restUntilNanos = Math.max(restUntilNanos, nanos);
  }

  /**
   * Kinesis took writes (an answer without throttling for this shard): the streak ends, and after a
   * window without throttling the budget rises step by step.
   */
  void accepted(long now) {
    throttleStreak = 0;
    if (factor >= 1.0 || now - lastThrottleNanos < WINDOW_NANOS) {
      return;
    }
    long since = now - Math.max(lastIncreaseNanos, lastThrottleNanos + WINDOW_NANOS);
    if (since <= 0) {
      return;
    }
    factor = Math.min(1.0, factor + INCREASE_PER_SECOND * since / 1e9);
    lastIncreaseNanos = now;
  }

  private void expire(long now) {
    long from = now - WINDOW_NANOS;
    while (!slots.isEmpty() && slots.peekFirst().at <= from) {
      Slot s = slots.pollFirst();
      records -= s.records;
      settledRecords -= s.records;
      settledBytes -= s.bytes;
      bytes -= s.bytes;
    }
  }
}
