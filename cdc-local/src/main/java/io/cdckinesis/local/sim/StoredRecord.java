package io.cdckinesis.local.sim;

import java.time.Instant;

/**
 * A record as a {@link SimulatedKinesis} shard holds it.
 *
 * @param shardId the shard that stored it
 * @param sequenceNumber its sequence number (decimal, increasing in the order records are stored)
 * @param partitionKey its partition key
 * @param explicitHashKey the explicit hash key it was written with, or {@code null} (GetRecords
 *     does not return it, as Kinesis does not)
 * @param data its data (not copied: treat as read-only)
 * @param arrival when it was stored
 */
public record StoredRecord(
    String shardId,
    String sequenceNumber,
    String partitionKey,
    String explicitHashKey,
    byte[] data,
    Instant arrival) {}
