package io.cdckinesis.kinesis;

/**
 * A check run before each PutRecords call is dispatched, so that a writer that may have lost its
 * right to write (a lease another run can take over) stops before it writes stale data. When it
 * throws, the sink dispatches nothing more, lets the calls already in flight finish, and fails with
 * that exception.
 *
 * <p>Runs on the thread that drives the sink; it should be cheap (compare a lease expiry with the
 * clock, not call a service on every batch). Pair it with a call timeout ({@link
 * KinesisSinkConfig#callTimeout()}) shorter than the lease's safety margin: then no call started
 * while the lease was held can still land after the margin has passed.
 */
@FunctionalInterface
public interface WriteFence {

  /** Never fences. */
  WriteFence NONE = () -> {};

  /**
   * Returns when writing may go on.
   *
   * @throws io.cdckinesis.core.CdcException (e.g. {@link WriteFencedException}) when it may not
   */
  void check();
}
