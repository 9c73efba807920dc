package io.cdckinesis.pipeline.consumer.internal;

import io.cdckinesis.pipeline.consumer.BatchResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Counts of a batch, merged over its shards. */
public final class Tally {
  public final List<String> failed = new ArrayList<>();
  public int records;
  public int changes;
  public int applied;
  public int duplicates;
  public int stale;
  public int outOfRange;
  public int resets;
  public int schemaChanges;
  public int retries;
  public int deadLettered;
  public Instant newest;

  void seen(Instant commitTimestamp) {
    if (commitTimestamp != null && (newest == null || commitTimestamp.isAfter(newest))) {
      newest = commitTimestamp;
    }
  }

  public BatchResult result(Clock clock) {
    Duration age = newest == null ? null : Duration.between(newest, clock.instant()).abs();
    return new BatchResult(
        failed,
        records,
        changes,
        applied,
        duplicates,
        stale,
        outOfRange,
        resets,
        schemaChanges,
        retries,
        deadLettered,
        age);
  }
}
