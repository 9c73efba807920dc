package io.cdckinesis.examples.demo;

import io.cdckinesis.local.faults.FaultCounts;
import java.time.Duration;
import java.util.List;

/**
 * What a demo run did and whether the consumer's replica equals the source.
 *
 * @param applied changes that took effect in the replica, from its log written in their
 *     transactions (a change that took effect twice is a difference)
 * @param handedOver changes handed to the replica's handler, redeliveries included (it skips those
 *     already applied itself)
 * @param differences one line per table that differs (empty when the replica matches)
 * @param injected what the fault plan injected, or null without faults
 * @param situations one line per DMS situation played (see {@link Situation})
 * @param replica where the replica was kept
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
    long handedOver,
    long deadLettered,
    FaultCounts injected,
    List<String> situations,
    String replica,
    List<String> differences,
    Duration elapsed) {

  public DemoReport {
    situations = List.copyOf(situations);
    differences = List.copyOf(differences);
  }

  public boolean matches() {
    return differences.isEmpty();
  }
}
