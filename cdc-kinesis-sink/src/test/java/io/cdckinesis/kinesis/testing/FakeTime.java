package io.cdckinesis.kinesis.testing;

import io.cdckinesis.kinesis.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** A clock that only moves when the sink sleeps; records every sleep. */
public final class FakeTime extends Clock implements Sleeper {

  private Instant now = Instant.parse("2026-01-01T00:00:00Z");
  private final List<Duration> sleeps = new ArrayList<>();

  @Override
  public void sleep(Duration d) {
    sleeps.add(d);
    now = now.plus(d);
  }

  public List<Duration> sleeps() {
    return List.copyOf(sleeps);
  }

  public void advance(Duration d) {
    now = now.plus(d);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return now;
  }
}
