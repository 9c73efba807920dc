package io.cdckinesis.local.faults;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The AWS calls that connection resets and timeouts can hit, named as in the AWS API. Throttling
 * and 500s only ever hit {@link #PUT_RECORDS}, body breaks only {@link #GET_OBJECT}.
 */
public enum FaultOperation {
  /** Kinesis {@code PutRecords}: the producer's writes. */
  PUT_RECORDS("PutRecords"),
  /** S3 {@code GetObject}: DMS files, checkpoints and claim-check payloads being read. */
  GET_OBJECT("GetObject"),
  /** S3 {@code PutObject}: checkpoints, claim-check payloads and rejects being written. */
  PUT_OBJECT("PutObject");

  private final String apiName;

  FaultOperation(String apiName) {
    this.apiName = apiName;
  }

  /** The name of the call in the AWS API, as used in fault specs. */
  public String apiName() {
    return apiName;
  }

  /** The operation with this API name (case-insensitive). */
  public static FaultOperation fromApiName(String name) {
    for (FaultOperation op : values()) {
      if (op.apiName.toLowerCase(Locale.ROOT).equals(name.trim().toLowerCase(Locale.ROOT))) {
        return op;
      }
    }
    throw new IllegalArgumentException(
        "unknown operation '"
            + name
            + "'; known: "
            + Arrays.stream(values())
                .map(FaultOperation::apiName)
                .collect(Collectors.joining(", ")));
  }
}
