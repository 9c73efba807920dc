package io.cdckinesis.core;

/**
 * The root of every exception this library throws. Unchecked, like the AWS SDK's. Subtypes say what
 * went wrong precisely; {@link #isRetryable()} says whether trying the same thing again can help (a
 * throttled call can succeed later, a malformed row never will).
 */
public class CdcException extends RuntimeException {

  private final boolean retryable;

  public CdcException(String message) {
    this(message, null, false);
  }

  public CdcException(String message, Throwable cause) {
    this(message, cause, false);
  }

  protected CdcException(String message, Throwable cause, boolean retryable) {
    super(message, cause);
    this.retryable = retryable;
  }

  /** Whether repeating the failed operation, unchanged, may succeed. */
  public boolean isRetryable() {
    return retryable;
  }
}
