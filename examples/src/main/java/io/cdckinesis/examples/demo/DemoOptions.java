package io.cdckinesis.examples.demo;

import java.nio.file.Path;

/**
 * What the demo runs.
 *
 * @param rows initial rows per table (the full load)
 * @param tables how many tables
 * @param changes changes made at the source after the full load
 * @param cdcBatches how many CDC files per table DMS writes for them (at most)
 * @param shards shards of the stream
 * @param aggregate KPL aggregation on the stream
 * @param keep where to leave the S3 data after the run, or null to keep it in memory only
 * @param faults a fault spec (see docs/faults.md), or null for none
 * @param seed makes the data and the faults reproducible
 */
public record DemoOptions(
    int rows,
    int tables,
    int changes,
    int cdcBatches,
    int shards,
    boolean aggregate,
    Path keep,
    String faults,
    long seed) {

  public DemoOptions {
    if (rows < 0 || tables < 1 || changes < 0 || cdcBatches < 1 || shards < 1) {
      throw new IllegalArgumentException(
          "need rows >= 0, tables >= 1, changes >= 0, cdc batches >= 1, shards >= 1");
    }
  }

  /** The defaults of {@code ./cdc demo}: a few seconds of work. */
  public static DemoOptions defaults() {
    return new DemoOptions(2_000, 3, 6_000, 12, 4, false, null, null, 42);
  }
}
