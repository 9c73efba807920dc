package io.cdckinesis.local.sim;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A clock that moves only when told to, for simulations in virtual time. Thread-safe. {@code
 * SimulatedKinesis.builder().clock(c).waiter(c::advance)} makes every call's latency pass in
 * virtual time on the calling thread (one caller at a time; a simulation with several callers
 * brings its own scheduler as the waiter).
 */
public final class ManualClock extends Clock {

  private Instant now;

  public ManualClock(Instant start) {
    this.now = Objects.requireNonNull(start, "start");
  }

  @Override
  public synchronized Instant instant() {
    return now;
  }

  /** Moves the clock forward. */
  public synchronized void advance(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("time does not go back: " + d);
    }
    now = now.plus(d);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  /** This clock (it has no zone of its own to change). */
  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
