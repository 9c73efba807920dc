package io.cdckinesis.pipeline.consumer;

import java.time.Instant;
import java.util.Objects;

/**
 * One Kinesis record as a consumer receives it, independent of how it was read (a Lambda event,
 * GetRecords, the KCL).
 *
 * @param stream the stream's ARN (Lambda's {@code eventSourceARN}) or name; null when unknown (then
 *     sub-records of aggregates are not checked against the shard's hash key range)
 * @param shardId the shard it was read from
 * @param sequenceNumber its sequence number
 * @param data the record's bytes: an envelope, or a KPL aggregate of envelopes
 * @param approximateArrival when Kinesis received it, or null when unknown
 */
public record StreamRecord(
    String stream, String shardId, String sequenceNumber, byte[] data, Instant approximateArrival) {

  public StreamRecord {
    Objects.requireNonNull(shardId, "shardId");
    Objects.requireNonNull(sequenceNumber, "sequenceNumber");
    Objects.requireNonNull(data, "data");
  }

  /** A record of an unnamed stream. */
  public StreamRecord(
      String shardId, String sequenceNumber, byte[] data, Instant approximateArrival) {
    this(null, shardId, sequenceNumber, data, approximateArrival);
  }
}
