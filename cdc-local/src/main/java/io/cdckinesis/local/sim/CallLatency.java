package io.cdckinesis.local.sim;

import java.time.Duration;
import java.util.Objects;

/**
 * How long each call to a {@link SimulatedKinesis} takes, as the caller sees it (request, service
 * time and response). Decided per call; the simulator waits it through its {@link Waiter}, half
 * before the call takes effect and half after. Implementations used from several threads must be
 * thread-safe; for a deterministic simulation keep any randomness seeded and draw from it in a
 * deterministic order.
 */
@FunctionalInterface
public interface CallLatency {

  /** Every call answers at once (the default). */
  CallLatency NONE = call -> Duration.ZERO;

  /** The latency of this call (zero or positive). */
  Duration latencyOf(SimulatedCall call);

  /** The same latency for every call, e.g. 30 ms as a PutRecords call in a region takes. */
  static CallLatency fixed(Duration latency) {
    Objects.requireNonNull(latency, "latency");
    if (latency.isNegative()) {
      throw new IllegalArgumentException("latency must not be negative: " + latency);
    }
    return call -> latency;
  }
}
