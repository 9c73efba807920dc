package io.cdckinesis.lambda;

import io.cdckinesis.core.CdcException;
import java.util.List;

/**
 * Objects of an event are being processed by another invocation (a duplicated or retried event
 * whose first run still holds the lease). Retryable: when Lambda retries the event, the objects are
 * either complete (and skipped) or their lease has expired (and this run takes over).
 */
public class ObjectBusyException extends CdcException {

  public ObjectBusyException(List<String> objectUris) {
    super("objects are leased by another invocation, retry later: " + objectUris, null, true);
  }
}
