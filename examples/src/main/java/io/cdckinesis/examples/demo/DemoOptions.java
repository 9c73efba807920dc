package io.cdckinesis.examples.demo;

import java.nio.file.Path;
import java.util.Set;

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
 * @param situations the DMS situations to play (see {@link Situation})
 * @param replica the user's database for the replica, or null for an embedded H2 database
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
    long seed,
    Set<Situation> situations,
    ReplicaTarget replica) {

  /**
   * @throws IllegalArgumentException naming the first value out of range by its {@code cdc demo}
   *     option
   */
  public DemoOptions {
    atLeast("--rows", rows, 0);
    atLeast("--tables", tables, 1);
    atLeast("--changes", changes, 0);
    atLeast("cdcBatches", cdcBatches, 1); // not an option: set by code only
    atLeast("--shards", shards, 1);
    situations = Set.copyOf(situations);
  }

  /** The default situations, in an embedded replica. */
  public DemoOptions(
      int rows,
      int tables,
      int changes,
      int cdcBatches,
      int shards,
      boolean aggregate,
      Path keep,
      String faults,
      long seed) {
    this(
        rows,
        tables,
        changes,
        cdcBatches,
        shards,
        aggregate,
        keep,
        faults,
        seed,
        Situation.defaults(),
        null);
  }

  public DemoOptions withSituations(Set<Situation> s) {
    return new DemoOptions(
        rows, tables, changes, cdcBatches, shards, aggregate, keep, faults, seed, s, replica);
  }

  public DemoOptions withReplica(ReplicaTarget r) {
    return new DemoOptions(
        rows, tables, changes, cdcBatches, shards, aggregate, keep, faults, seed, situations, r);
  }

  private static void atLeast(String option, long value, long min) {
    if (value < min) {
      throw new IllegalArgumentException(
          option
              + " must be "
              + min
              + " or more, got "
              + value
              + " (give "
              + option
              + " "
              + min
              + " or more)");
    }
  }

  /** The defaults of {@code ./cdc demo}: a few seconds of work. */
  public static DemoOptions defaults() {
    return new DemoOptions(2_000, 3, 6_000, 12, 4, false, null, null, 42);
  }
}
