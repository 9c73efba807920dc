package io.cdckinesis.s3;

import io.cdckinesis.core.CdcException;

/**
 * Reading an S3 object failed: it is missing, access is denied, or the connection kept failing
 * after the configured number of re-opens. {@link #isRetryable()} says whether reading it again
 * later may succeed.
 */
public class S3ReadException extends CdcException {

  public S3ReadException(String message, Throwable cause, boolean retryable) {
    super(message, cause, retryable);
  }
}
