package io.cdckinesis.core;

/**
 * A checkpoint, payload or rejects store failed to read or write. Retryable unless the store says
 * otherwise (access denied, missing bucket).
 */
public class StoreException extends CdcException {

  public StoreException(String message, Throwable cause, boolean retryable) {
    super(message, cause, retryable);
  }
}
