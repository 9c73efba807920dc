package io.cdckinesis.pipeline;

import io.cdckinesis.core.spi.ContinuationInvoker;
import java.util.Objects;
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

  /** A run without a time limit and without continuations (e.g. {@code cdc load}). */
  public static RunContext unbounded(String owner) {
    return new RunContext(owner, () -> Long.MAX_VALUE, ContinuationInvoker.NONE);
  }
}
