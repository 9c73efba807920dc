package io.cdckinesis.kinesis.internal;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that never jumps: wall time at creation plus {@link System#nanoTime()} since, so backoff
 * deadlines survive system clock adjustments.
 */
public final class MonotonicClock extends Clock {

  private final Instant origin;
  private final long originNanos;
  private final ZoneId zone;

  public MonotonicClock() {
    this(Instant.now(), System.nanoTime(), ZoneOffset.UTC);
  }

  private MonotonicClock(Instant origin, long originNanos, ZoneId zone) {
    this.origin = origin;
    this.originNanos = originNanos;
    this.zone = zone;
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return new MonotonicClock(origin, originNanos, zone);
  }

  @Override
  public Instant instant() {
    return origin.plusNanos(System.nanoTime() - originNanos);
  }
}
