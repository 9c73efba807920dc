package io.cdckinesis.kinesis.internal;

import io.cdckinesis.kinesis.SinkMetrics;

/** The sink's counters; written by the one thread that drives the sink. */
final class MetricsCounter {
  long recordsWritten;
  long bytesWritten;
  long kinesisRecordsWritten;
  long putRecordsCalls;
  long retriedEntries;
  long throttledEntries;
  long failedEntries;
  long oversizeRecords;
  long reroutedRecords;
  int openShards;

  SinkMetrics snapshot() {
    return new SinkMetrics(
        recordsWritten,
        bytesWritten,
        kinesisRecordsWritten,
        putRecordsCalls,
        retriedEntries,
        throttledEntries,
        failedEntries,
        oversizeRecords,
        reroutedRecords,
        openShards);
  }
}
