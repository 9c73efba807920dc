package io.cdckinesis.pipeline;

import io.cdckinesis.core.CdcException;

/**
 * A run was given something only it can act on (a deletion event, which may reveal a truncated
 * table) for a table whose lease another run holds. Retryable: once the holder releases the table,
 * a retry of the same event acts on it.
 */
public class LeaseHeldException extends CdcException {

  public LeaseHeldException(String message) {
    super(message, null, true);
  }
}
