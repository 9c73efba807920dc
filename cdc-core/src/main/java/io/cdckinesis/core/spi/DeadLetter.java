package io.cdckinesis.core.spi;

import io.cdckinesis.core.SourcePosition;
import java.time.Instant;
import java.util.Objects;

/**
 * A stream record the consumer gave up on: it could not be decoded, or its handler refused it for
 * good (a {@link io.cdckinesis.core.CdcException} that is not retryable). Kept with its raw bytes
 * so that it can be inspected and redriven.
 *
 * @param shardId the shard it was read from
 * @param sequenceNumber its Kinesis sequence number
 * @param subSequence its index inside an aggregated record (0 when not aggregated)
 * @param position where it came from in the DMS output, when it could be decoded; else null
 * @param reason why it was given up (never row values)
 * @param errorType the exception class that ended it
 * @param attempts how many times the handler was tried (0 when it could not be decoded)
 * @param data the user record's bytes (an envelope, or whatever was on the stream)
 * @param at when it was given up
 */
public record DeadLetter(
    String shardId,
    String sequenceNumber,
    int subSequence,
    SourcePosition position,
    String reason,
    String errorType,
    int attempts,
    byte[] data,
    Instant at) {

  public DeadLetter {
    Objects.requireNonNull(shardId, "shardId");
    Objects.requireNonNull(sequenceNumber, "sequenceNumber");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(at, "at");
  }
}
