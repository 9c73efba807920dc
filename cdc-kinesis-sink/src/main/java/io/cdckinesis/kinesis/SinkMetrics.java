package io.cdckinesis.kinesis;

/**
 * Counters of a {@link KinesisChangeSink} since it was built (a snapshot; all counts only grow).
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
 * @param failedEntries entries given up on: non-retryable errors and exhausted attempts
 * @param oversizeRecords rows too large for one Kinesis record, stored in the payload store and
 *     sent as a pointer
 */
public record SinkMetrics(
    long recordsWritten,
    long bytesWritten,
    long kinesisRecordsWritten,
    long putRecordsCalls,
    long retriedEntries,
    long throttledEntries,
    long failedEntries,
    long oversizeRecords) {

  public static final SinkMetrics ZERO = new SinkMetrics(0, 0, 0, 0, 0, 0, 0, 0);

  /** Change records per Kinesis record: 1.0 without aggregation, more with it (0 before any). */
  public double userRecordsPerKinesisRecord() {
    return kinesisRecordsWritten == 0 ? 0 : (double) recordsWritten / kinesisRecordsWritten;
  }
}
