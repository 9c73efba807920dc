package io.cdckinesis.kinesis.internal;

import io.cdckinesis.kinesis.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** The sink's view of time: a clock read in nanoseconds and a sleeper; both replaceable. */
final class Timing {

  private final Clock clock;
  private final Sleeper sleeper;
  private final StreamRef stream;

  Timing(Clock clock, Sleeper sleeper, StreamRef stream) {
    this.clock = clock;
    this.sleeper = sleeper;
    this.stream = stream;
  }

  Instant now() {
    return clock.instant();
  }

  long nowNanos() {
    Instant t = clock.instant();
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  /** Sleeps; an interrupt stops the sink (retryably) and keeps the thread's interrupt flag. */
  void sleep(Duration d) {
    try {
      sleeper.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw WriteFailures.interrupted(stream, "waiting to retry", e);
    }
  }
}
