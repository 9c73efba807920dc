package io.cdckinesis.jdbc;

import io.cdckinesis.kinesis.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that moves only when something sleeps on it or a test advances it. */
final class VirtualTime extends Clock implements Sleeper {

  private Instant now = Instant.parse("2026-01-01T00:00:00Z");

  @Override
  public synchronized void sleep(Duration d) {
    now = now.plus(d);
  }

  synchronized void advance(Duration d) {
    now = now.plus(d);
  }

  @Override
  public synchronized Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
