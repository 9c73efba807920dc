package io.cdckinesis.kinesis;

/**
 * Counters of a {@link KinesisChangeSink} since it was built (a snapshot; all counts only grow,
 * except {@code openShards}).
 *
 * @param recordsWritten change records acknowledged by Kinesis (user records, each counted once,
 *     pointer records included)
 * @param bytesWritten bytes acknowledged: Kinesis record data plus partition keys, as Kinesis
 *     meters them
 * @param kinesisRecordsWritten Kinesis records acknowledged; with aggregation one holds many change
 *     records
 * @param putRecordsCalls PutRecords calls made, failed ones included
 * @param retriedEntries request entries sent again after a failure (whole-call failures count every
 *     entry of the call)
 * @param throttledEntries entries that failed with throttling ({@code
 *     ProvisionedThroughputExceededException}, {@code LimitExceededException}, KMS throttling)
 * @param failedEntries entries given up on: non-retryable errors, exhausted attempts, the deadline
 * @param oversizeRecords rows too large for one Kinesis record, stored in the payload store and
 *     sent as a pointer
 * @param reroutedRecords change records sent again because their aggregate landed in a shard that
 *     does not own their hash key (after a reshard); a consumer drops them there, as the KCL does
 * @param openShards the stream's open shards in the sink's shard map (0 before it is listed): the
 *     stream takes at most this many times a shard's limits
 */
public record SinkMetrics(
    long recordsWritten,
    long bytesWritten,
    long kinesisRecordsWritten,
    long putRecordsCalls,
    long retriedEntries,
    long throttledEntries,
    long failedEntries,
    long oversizeRecords,
    long reroutedRecords,
    int openShards) {

  public static final SinkMetrics ZERO = new SinkMetrics(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

  /** The counters without the reshard and shard-map figures (both 0). */
  public SinkMetrics(
      long recordsWritten,
      long bytesWritten,
      long kinesisRecordsWritten,
      long putRecordsCalls,
      long retriedEntries,
      long throttledEntries,
      long failedEntries,
      long oversizeRecords) {
    this(
        recordsWritten,
        bytesWritten,
        kinesisRecordsWritten,
        putRecordsCalls,
        retriedEntries,
        throttledEntries,
        failedEntries,
        oversizeRecords,
        0,
        0);
  }

  /** Change records per Kinesis record: 1.0 without aggregation, more with it (0 before any). */
  public double userRecordsPerKinesisRecord() {
    return kinesisRecordsWritten == 0 ? 0 : (double) recordsWritten / kinesisRecordsWritten;
  }

  /** The share of entry attempts that were throttled: throttled / (written + throttled). */
  public double throttledShare() {
    long sent = kinesisRecordsWritten + throttledEntries;
    return sent == 0 ? 0 : (double) throttledEntries / sent;
  }
}
