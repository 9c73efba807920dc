package io.cdckinesis.examples.demo;

import io.cdckinesis.local.faults.FaultCounts;
import java.time.Duration;
import java.util.List;

/**
 * What a demo run did and whether the consumer's replica equals the source.
 *
 * @param differences one line per table that differs (empty when the replica matches)
 * @param injected what the fault plan injected, or null without faults
 */
public record DemoReport(
    int tables,
    long rows,
    long changes,
    int shards,
    boolean aggregate,
    long filesWritten,
    long eventsSent,
    long producerInvocations,
    long producerRetries,
    long sweeps,
    long continuations,
    long rejected,
    long records,
    long kinesisRecords,
    long putRecordsCalls,
    long retriedEntries,
    long throttledEntries,
    long consumerBatches,
    long consumerRetriedBatches,
    long applied,
    long duplicatesSkipped,
    long deadLettered,
    FaultCounts injected,
    List<String> differences,
    Duration elapsed) {

  public DemoReport {
    differences = List.copyOf(differences);
  }

  public boolean matches() {
    return differences.isEmpty();
  }
}
