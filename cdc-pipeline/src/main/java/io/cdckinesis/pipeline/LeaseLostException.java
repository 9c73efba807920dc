package io.cdckinesis.pipeline;

import io.cdckinesis.core.CdcException;

/**
 * A producer run lost (or may have lost) its claim on a table: another run took it over after it
 * expired, or it could not be renewed in time. The run stops writing at once; the holder of the new
 * claim sends the table's files. Retryable: a later run can hold the claim again.
 */
public class LeaseLostException extends CdcException {

  public LeaseLostException(String message) {
    super(message, null, true);
  }
}
