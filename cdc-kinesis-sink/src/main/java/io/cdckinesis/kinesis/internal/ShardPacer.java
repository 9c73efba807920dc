package io.cdckinesis.kinesis.internal;

import java.util.ArrayDeque;

/**
 * Paces the writes to one shard so that it is offered about what it can take: a byte and a record
 * budget per second, like the KPL's per-shard rate limiter (two token streams per shard), but
 * measured over a sliding window, as Kinesis measures a shard's throughput, rather than with token
 * buckets (a full bucket lets through up to twice the limit within one second).
 *
 * <p>The ledger holds what was sent in the last window (a second and a small margin for the spread
 * of call latencies and thread start times); an item goes when the ledger plus the item fit the
 * budget. Entries refused by Kinesis are refunded. The budget is the shard's limit times a factor
 * adapted from throttling feedback (additive increase, multiplicative decrease): throttling means
 * the shard has less room than the ledger shows (other writers, or latency spreading arrivals), so
 * the factor drops; a throttle-free second raises it again, up to 1. A throttled shard also rests
 * for a short, growing while (the shard is full now, whatever the ledger says), so that its records
 * are not offered again straight into the same refusal.
 *
 * <p>Times are nanoseconds on the sink's clock. Not thread-safe: the sink's driving thread owns it.
 */
final class ShardPacer {

  /** The window: one second plus 2.5% for latency spread. */
  static final long WINDOW_NANOS = 1_025_000_000L;

  static final double MIN_FACTOR = 0.25;
  static final double DECREASE = 0.85;
  static final double INCREASE_PER_SECOND = 0.1;

  private final long bytesPerSecond;
  private final long recordsPerSecond;
  private final ArrayDeque<Slot> slots = new ArrayDeque<>();
  private long bytes;
  private long records;
  private double factor = 1.0;
  private long lastThrottleNanos = Long.MIN_VALUE / 2;
  private long lastDecreaseNanos = Long.MIN_VALUE / 2;
  private long lastIncreaseNanos = Long.MIN_VALUE / 2;
  private long restUntilNanos = Long.MIN_VALUE / 2;
  private int throttleStreak;

  ShardPacer(long bytesPerSecond, long recordsPerSecond) {
    this.bytesPerSecond = bytesPerSecond;
    this.recordsPerSecond = recordsPerSecond;
  }

  /** What one dispatch took from the window; refunds reduce it. */
  static final class Slot {
    final long at;
    long records;
    long bytes;
    boolean expired;

    Slot(long at, long records, long bytes) {
      this.at = at;
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

  /** The earliest time {@code needRecords} and {@code needBytes} fit, given what was sent. */
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
    return from; // not reached: an empty window fits anything
  }

  private boolean fitsAfter(long r, long b, long needRecords, long needBytes) {
    if (r <= 0 && b <= 0) {
      return true;
    }
    return r + needRecords <= capRecords() && b + needBytes <= capBytes();
  }

  /** Records a dispatch. */
  Slot take(long now, long records, long bytes) {
    expire(now);
    Slot s = new Slot(now, records, bytes);
    slots.addLast(s);
    this.records += records;
    this.bytes += bytes;
    return s;
  }

  /** Gives back what Kinesis refused (it did not count against the shard). */
  void refund(Slot s, long records, long bytes) {
    long r = Math.min(records, s.records);
    long b = Math.min(bytes, s.bytes);
    s.records -= r;
    s.bytes -= b;
    if (!s.expired) {
      this.records -= r;
      this.bytes -= b;
    }
  }

  /**
   * Kinesis throttled this shard (once per answer, however many entries): lower the budget, at most
   * once per fifth of a window.
   *
   * @return how many answers in a row have throttled it, this one included
   */
  int throttled(long now) {
    lastThrottleNanos = now;
    if (now - lastDecreaseNanos >= WINDOW_NANOS / 5) {
      factor = Math.max(MIN_FACTOR, factor * DECREASE);
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
      s.expired = true;
      records -= s.records;
      bytes -= s.bytes;
    }
  }
}
