package io.cdckinesis.pipeline.consumer;

import java.time.Duration;
import java.util.List;

/**
 * What a consumer did with a batch.
 *
 * @param failedSequenceNumbers per shard that stopped, the sequence number of the first record not
 *     done (Lambda resumes the shard from there); empty when all are done
 * @param records stream records processed (including the failed one)
 * @param changes change and control records decoded from them (aggregates hold several)
 * @param applied changes handed to a table handler successfully
 * @param duplicates changes skipped because their row had them already, or a later change
 * @param stale records skipped because their table was reset to a newer load generation since
 * @param outOfRange sub-records of aggregates dropped because their hash key is outside the shard's
 *     range (the producer sends them again to their shard)
 * @param resets table resets handed to {@code onTruncate} (truncate, drop, reload), repeats
 *     included
 * @param schemaChanges column changes handed to {@code onSchemaChange}
 * @param handlerRetries handler calls repeated in this invocation after a failure
 * @param deadLettered records given up and sent to the dead-letter sink
 * @param newestChangeAge the age of the newest commit timestamp seen, or null when none
 */
public record BatchResult(
    List<String> failedSequenceNumbers,
    int records,
    int changes,
    int applied,
    int duplicates,
    int stale,
    int outOfRange,
    int resets,
    int schemaChanges,
    int handlerRetries,
    int deadLettered,
    Duration newestChangeAge) {

  public BatchResult {
    failedSequenceNumbers = List.copyOf(failedSequenceNumbers);
  }

  public boolean hasFailures() {
    return !failedSequenceNumbers.isEmpty();
  }
}
