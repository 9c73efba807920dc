package io.cdckinesis.kinesis;

import io.cdckinesis.core.CdcException;

/**
 * A Kinesis record starts with the KPL aggregation magic bytes but is not a valid aggregate (bad
 * checksum, malformed protobuf, an index out of range). Reading it again gives the same result.
 */
public class KplFormatException extends CdcException {

  public KplFormatException(String message) {
    super(message);
  }

  public KplFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
