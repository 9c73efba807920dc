package io.cdckinesis.kinesis;

import io.cdckinesis.core.CdcException;

/**
 * A {@link WriteFence} refused further writes: the writer has lost, or may have lost, its claim (a
 * lease) on the data it sends. Not retryable by this writer: whoever holds the claim now sends the
 * data; start again only after taking the claim back.
 */
public class WriteFencedException extends CdcException {

  public WriteFencedException(String message) {
    super(message, null, false);
  }

  public WriteFencedException(String message, Throwable cause) {
    super(message, cause, false);
  }
}
