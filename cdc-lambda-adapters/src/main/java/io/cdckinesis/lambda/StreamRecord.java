package io.cdckinesis.lambda;

import java.time.Instant;
import java.util.Objects;

/**
 * One Kinesis record as a consumer receives it, independent of how it was read (a Lambda event,
 * GetRecords, the KCL).
 *
 * @param data the record's bytes: an envelope, or a KPL aggregate of envelopes
 * @param approximateArrival when Kinesis received it, or null when unknown
 */
public record StreamRecord(
    String shardId, String sequenceNumber, byte[] data, Instant approximateArrival) {

  public StreamRecord {
    Objects.requireNonNull(shardId, "shardId");
    Objects.requireNonNull(sequenceNumber, "sequenceNumber");
    Objects.requireNonNull(data, "data");
  }
}
