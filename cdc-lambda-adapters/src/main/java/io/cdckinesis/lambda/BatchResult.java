package io.cdckinesis.lambda;

import java.time.Duration;
import java.util.List;

/**
 * What a consumer did with a batch.
 *
 * @param failedSequenceNumbers per shard that stopped on a failure, the sequence number of the
 *     first record not done (Lambda resumes the shard from there); empty when all succeeded
 * @param records stream records processed (including failed ones)
 * @param changes change records decoded from them (aggregates hold several)
 * @param applied changes handed to a table handler successfully
 * @param duplicates changes skipped because they were already applied or superseded
 * @param handlerRetries handler attempts repeated after a failure
 * @param deadLettered changes or records given up and sent to the dead-letter sink
 * @param newestChangeAge the age of the newest commit timestamp seen, or null when none
 */
public record BatchResult(
    List<String> failedSequenceNumbers,
    int records,
    int changes,
    int applied,
    int duplicates,
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
