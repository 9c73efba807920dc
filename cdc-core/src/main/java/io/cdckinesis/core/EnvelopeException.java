package io.cdckinesis.core;

/** Bytes that are not a record envelope of this library (or of the DMS Kinesis target). */
public class EnvelopeException extends CdcException {

  public EnvelopeException(String message) {
    super(message);
  }

  public EnvelopeException(String message, Throwable cause) {
    super(message, cause);
  }
}
