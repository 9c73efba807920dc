package io.cdckinesis.pipeline;

import io.cdckinesis.core.spi.ContinuationInvoker;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * One producer run: who it is (in leases) and how long it may run.
 *
 * @param owner identifies the run in leases (the Lambda request id: a retry of the same invocation
 *     continues at once where it left off)
 * @param remainingMillis how much time the run has left
 * @param continuation asks for another invocation to continue what this run could not finish
 */
public record RunContext(
    String owner, LongSupplier remainingMillis, ContinuationInvoker continuation) {

  public RunContext {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(remainingMillis, "remainingMillis");
    Objects.requireNonNull(continuation, "continuation");
  }

  /**
   * How long this run's sink may go on waiting out throttling: until half the time reserve is left,
   * so that the run still saves its progress and asks for a continuation before it is stopped.
   * Empty for a run without a time limit.
   */
  public Optional<Duration> sendingBudget(Duration timeReserve) {
    long remaining = remainingMillis.getAsLong();
    if (remaining == Long.MAX_VALUE) {
      return Optional.empty();
    }
    return Optional.of(Duration.ofMillis(Math.max(1, remaining - timeReserve.toMillis() / 2)));
  }

  /** A run without a time limit and without continuations (e.g. {@code cdc load}). */
  public static RunContext unbounded(String owner) {
    return new RunContext(owner, () -> Long.MAX_VALUE, ContinuationInvoker.NONE);
  }
}
