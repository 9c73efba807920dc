package io.cdckinesis.lambda;

import io.cdckinesis.s3.S3ObjectRef;

/**
 * Asks for the rest of an object to be processed by another invocation, after the producer
 * checkpointed its progress because time ran low. The Lambda default invokes the function itself
 * asynchronously with an S3 event for the object; the new invocation resumes from the checkpoint.
 */
@FunctionalInterface
public interface ContinuationInvoker {

  /**
   * Requests the continuation; returns once it is durably queued.
   *
   * @throws RuntimeException when it cannot be queued (the caller then fails, so that the
   *     triggering event is retried and resumes from the checkpoint)
   */
  void continueLater(S3ObjectRef object);
}
