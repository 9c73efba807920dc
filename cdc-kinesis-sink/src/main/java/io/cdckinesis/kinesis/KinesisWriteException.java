package io.cdckinesis.kinesis;

import io.cdckinesis.core.CdcException;

/**
 * Writing to the stream failed. {@link #isRetryable()} is {@code true} when the same records may be
 * written later (throttling or service errors outlasted the attempts, a timeout), {@code false}
 * when only a change of configuration or input can help (access denied, a KMS key problem, a
 * missing stream, an invalid request, a row too large without a payload store).
 *
 * <p>Messages name the stream, the cause and, for a single row, its table and source position;
 * never row values.
 */
public class KinesisWriteException extends CdcException {

  private final String stream;
  private final String errorCode;

  public KinesisWriteException(
      String stream, String errorCode, String message, Throwable cause, boolean retryable) {
    super(message, cause, retryable);
    this.stream = stream;
    this.errorCode = errorCode;
  }

  /** The stream name or ARN the sink writes to. */
  public String stream() {
    return stream;
  }

  /**
   * The Kinesis error code behind the failure (e.g. {@code ProvisionedThroughputExceededException},
   * {@code AccessDeniedException}), or {@code null} when there was none (a timeout, an oversize
   * row).
   */
  public String errorCode() {
    return errorCode;
  }
}
