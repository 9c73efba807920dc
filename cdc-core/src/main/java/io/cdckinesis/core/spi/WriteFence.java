package io.cdckinesis.core.spi;

/**
 * Asked by a sink before every call that writes to the destination: may this writer still write?
 * The producer's fence checks that its table lease outlives the call (renewing it when close to
 * expiry) and throws when the lease is, or may be, lost; the sink then writes nothing more and
 * fails with that exception.
 */
@FunctionalInterface
public interface WriteFence {

  /** A fence that always allows writing (a writer with no lease, e.g. {@code cdc convert}). */
  WriteFence NONE = () -> {};

  /**
   * Returns when writing may go on.
   *
   * @throws io.cdckinesis.core.CdcException when this writer must stop writing
   */
  void check();
}
