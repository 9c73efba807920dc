package io.cdckinesis.examples.cli;

import io.cdckinesis.kinesis.KinesisSinkConfig;
import io.cdckinesis.kinesis.SinkMetrics;
import java.util.Locale;

/**
 * How fast records went into the stream, against what its open shards take (1,000 records and 1 MiB
 * per second each): the honest measure of a load that is throttled, since a stream at its limits
 * throttles by design.
 *
 * @param kinesisRecordsPerSecond Kinesis records written per second (aggregates count once)
 * @param bytesPerSecond bytes written per second, as Kinesis meters them
 * @param shards the stream's open shards (0 when the sink has not listed them yet)
 */
record StreamRate(double kinesisRecordsPerSecond, double bytesPerSecond, int shards) {

  private static final double MB = 1_000_000.0;

  /** The rate of everything written in {@code seconds}. */
  static StreamRate of(SinkMetrics m, double seconds) {
    double s = Math.max(seconds, 1e-3);
    return new StreamRate(m.kinesisRecordsWritten() / s, m.bytesWritten() / s, m.openShards());
  }

  /** The rate between two snapshots {@code seconds} apart. */
  static StreamRate between(SinkMetrics from, SinkMetrics to, double seconds) {
    double s = Math.max(seconds, 1e-3);
    return new StreamRate(
        (to.kinesisRecordsWritten() - from.kinesisRecordsWritten()) / s,
        (to.bytesWritten() - from.bytesWritten()) / s,
        to.openShards());
  }

  long recordLimit() {
    return (long) shards * KinesisSinkConfig.SHARD_RECORDS_PER_SECOND;
  }

  long byteLimit() {
    return shards * KinesisSinkConfig.SHARD_BYTES_PER_SECOND;
  }

  /** The share of the stream's binding limit used (records or bytes), 0 when unknown. */
  double utilisation() {
    if (shards == 0) {
      return 0;
    }
    return Math.max(kinesisRecordsPerSecond / recordLimit(), bytesPerSecond / byteLimit());
  }

  /** E.g. "3,950 records/s, 2.90 MB/s into 4 shards: 99% of their 4,000 records/s, 4.19 MB/s". */
  String describe() {
    String rate =
        String.format(
            Locale.ROOT,
            "%,.0f records/s, %.2f MB/s",
            kinesisRecordsPerSecond,
            bytesPerSecond / MB);
    if (shards == 0) {
      return rate;
    }
    return rate
        + String.format(
            Locale.ROOT,
            " into %d shard%s: %.0f%% of their %,d records/s, %.2f MB/s",
            shards,
            shards == 1 ? "" : "s",
            100 * utilisation(),
            recordLimit(),
            byteLimit() / MB);
  }
}
