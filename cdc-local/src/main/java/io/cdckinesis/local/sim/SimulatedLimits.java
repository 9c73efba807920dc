package io.cdckinesis.local.sim;

import java.time.Duration;
import java.util.Objects;

/**
 * The limits a {@link SimulatedKinesis} enforces.
 *
 * @param maxEntriesPerCall PutRecords entries per call (Kinesis: 500)
 * @param maxRequestBytes data plus partition keys of one PutRecords call (Kinesis: 5 MiB)
 * @param maxRecordBytes data plus partition key of one record (Kinesis: 1 MiB)
 * @param shardBytesPerWindow bytes (data plus partition keys) a shard accepts per window (Kinesis:
 *     1 MiB per second)
 * @param shardRecordsPerWindow records a shard accepts per window (Kinesis: 1,000 per second)
 * @param window the rolling window of the per-shard limits: a record is accepted when the shard's
 *     records accepted in the window ending now, plus this one, stay within both limits
 */
public record SimulatedLimits(
    int maxEntriesPerCall,
    long maxRequestBytes,
    int maxRecordBytes,
    long shardBytesPerWindow,
    int shardRecordsPerWindow,
    Duration window) {

  private static final int MIB = 1024 * 1024;

  public SimulatedLimits {
    Objects.requireNonNull(window, "window");
    if (maxEntriesPerCall < 1
        || maxRequestBytes < 1
        || maxRecordBytes < 1
        || shardBytesPerWindow < 1
        || shardRecordsPerWindow < 1
        || window.isNegative()
        || window.isZero()) {
      throw new IllegalArgumentException("limits must be positive: " + this);
    }
  }

  /** The limits of a provisioned Kinesis data stream. */
  public static SimulatedLimits kinesis() {
    return new SimulatedLimits(500, 5L * MIB, MIB, MIB, 1000, Duration.ofSeconds(1));
  }

  /** Kinesis's per-call limits without per-shard throughput limits (nothing is throttled). */
  public static SimulatedLimits unthrottled() {
    return new SimulatedLimits(
        500, 5L * MIB, MIB, Long.MAX_VALUE, Integer.MAX_VALUE, Duration.ofSeconds(1));
  }

  /** These limits with other per-shard throughput limits per window. */
  public SimulatedLimits withShardLimits(long bytesPerWindow, int recordsPerWindow) {
    return new SimulatedLimits(
        maxEntriesPerCall,
        maxRequestBytes,
        maxRecordBytes,
        bytesPerWindow,
        recordsPerWindow,
        window);
  }

  /** These limits with other per-call record and request sizes. */
  public SimulatedLimits withSizes(int recordBytes, long requestBytes) {
    return new SimulatedLimits(
        maxEntriesPerCall,
        requestBytes,
        recordBytes,
        shardBytesPerWindow,
        shardRecordsPerWindow,
        window);
  }
}
