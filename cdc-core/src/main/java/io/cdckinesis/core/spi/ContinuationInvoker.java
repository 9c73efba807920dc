package io.cdckinesis.core.spi;

import java.util.List;

/**
 * Asks for work to be continued by another invocation: the tables a producer run did not finish
 * because its time ran low, each named by one of its objects' URIs. The Lambda implementation
 * invokes the function itself asynchronously with an S3 event holding them; the new invocation
 * resumes each from its table state. Losing a continuation loses nothing: the sweep finds the
 * pending files.
 */
@FunctionalInterface
public interface ContinuationInvoker {

  /** A continuation that is never queued: the sweep picks the work up. */
  ContinuationInvoker NONE = objectUris -> {};

  /**
   * Requests the continuation; returns once it is queued.
   *
   * @throws RuntimeException when it cannot be queued (the work is then left to the sweep)
   */
  void continueLater(List<String> objectUris);
}
