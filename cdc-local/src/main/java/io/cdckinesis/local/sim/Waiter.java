package io.cdckinesis.local.sim;

import java.time.Duration;

/**
 * How a {@link SimulatedKinesis} call waits out its latency. The default sleeps the calling thread;
 * a deterministic simulation passes one that hands control to its scheduler and returns when the
 * virtual clock has moved on by {@code duration}.
 */
@FunctionalInterface
public interface Waiter {

  /** Sleeps the calling thread. */
  Waiter SLEEP =
      d -> {
        if (!d.isZero() && !d.isNegative()) {
          Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
        }
      };

  /** Waits {@code duration} (never called with a negative one). */
  void await(Duration duration) throws InterruptedException;
}
