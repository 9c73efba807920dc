package io.cdckinesis.core.spi;

import io.cdckinesis.core.RejectedRow;

/**
 * Receives rows that could not be read, so that a user can find and replay them. Implementations
 * store them somewhere durable (the S3 rejects store) or report them (the CLI prints them).
 */
@FunctionalInterface
public interface RejectSink {

  /** A sink that drops rejects; only for callers that count them some other way. */
  RejectSink DISCARD = row -> {};

  void reject(RejectedRow row);

  /** Makes every reject handed over so far durable. */
  default void flush() {}
}
