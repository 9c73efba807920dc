package io.cdckinesis.lambda;

import io.cdckinesis.s3.S3ObjectRef;
import java.util.List;

/**
 * Asks for objects to be processed by another invocation: the rest of an object the producer
 * checkpointed because time ran low, followed by the objects of the event it had not reached. The
 * Lambda default invokes the function itself asynchronously with one S3 event holding them in
 * order; the new invocation resumes the first from its checkpoint.
 */
@FunctionalInterface
public interface ContinuationInvoker {

  /**
   * Requests the continuation; returns once it is durably queued.
   *
   * @throws RuntimeException when it cannot be queued (the caller then fails, so that the
   *     triggering event is retried and resumes from the checkpoint)
   */
  void continueLater(List<S3ObjectRef> objects);
}
