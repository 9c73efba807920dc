package io.cdckinesis.kinesis;

import java.time.Duration;

/** Waits between attempts; replaceable so tests run without real waiting. */
@FunctionalInterface
public interface Sleeper {

  /** The real one. */
  Sleeper THREAD_SLEEP = d -> Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);

  void sleep(Duration duration) throws InterruptedException;
}
