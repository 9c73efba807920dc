package io.cdckinesis.examples.cli;

import io.cdckinesis.core.TableId;
import io.cdckinesis.kinesis.SinkMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The figures {@code cdc load} prints at the end, on standard error.
 *
 * @param outcome what happened, e.g. {@code finished} (one line of text)
 * @param exitCode the exit code the command returns
 * @param stream the stream name or ARN
 * @param totalFiles files found
 * @param read what was read
 * @param sent the sink's counters (with the stream's open shards, for its limits)
 * @param elapsed from the first file opened to the last record acknowledged (or the failure)
 * @param keylessTables tables whose rows had no primary key, when not aggregating: all rows of such
 *     a table share one partition key, so they go one per PutRecords call
 */
record LoadSummary(
    String outcome,
    int exitCode,
    String stream,
    int totalFiles,
    DmsFileConverter.Result read,
    SinkMetrics sent,
    Duration elapsed,
    Set<TableId> keylessTables) {

  private static final int NAMES_SHOWN = 3;

  private static final double MB = 1_000_000.0;

  List<String> lines() {
    double seconds = Math.max(elapsed.toNanos() / 1e9, 1e-3);
    List<String> lines = new ArrayList<>();
    lines.add(f("cdc load: %s (exit %d)", outcome, exitCode));
    lines.add(f("  files        %,d of %,d read to the end", read.files, totalFiles));
    lines.add(f("  rows         %,d read, %,d rejected", read.records, read.problems));
    lines.add(
        f(
            "  records      %,d acknowledged by stream %s (%,d through the payload store)",
            sent.recordsWritten(), stream, sent.oversizeRecords()));
    lines.add(
        f(
            "  Kinesis      %,d records (%.1f change records each)",
            sent.kinesisRecordsWritten(), sent.userRecordsPerKinesisRecord()));
    lines.add(
        f(
            "  PutRecords   %,d calls, %,d entries retried, %,d throttled%s",
            sent.putRecordsCalls(),
            sent.retriedEntries(),
            sent.throttledEntries(),
            sent.throttledEntries() == 0
                ? ""
                : f(" (%.1f%% of entries sent)", 100 * sent.throttledShare())));
    lines.add(
        f(
            "  read         %.2f MB of CSV (%.2f MB as stored) in %.1f s",
            read.csvBytes / MB, read.storedBytes / MB, seconds));
    lines.add(
        f(
            "  rate         %.2f MB/s of CSV, %,.0f records/s",
            read.csvBytes / MB / seconds, sent.recordsWritten() / seconds));
    StreamRate stream = StreamRate.of(sent, seconds);
    if (stream.shards() > 0) {
      lines.add("  stream       " + stream.describe());
    }
    if (sent.throttledEntries() > 0) {
      lines.add(
          stream.utilisation() >= 0.8
              ? "  note         the stream was at its limits: throttled entries were sent again"
                  + " (back-pressure, not failure); more shards would load faster"
              : "  note         throttled below the stream's limits: other writers share its"
                  + " shards, or some keys (shards) are hot");
    }
    if (!keylessTables.isEmpty()) {
      List<String> names =
          keylessTables.stream().limit(NAMES_SHOWN).map(TableId::toString).toList();
      lines.add(
          f(
              "  note         %d table%s without a primary key (%s%s): each sends one record per"
                  + " PutRecords call; give keys in --tables, or use --aggregate",
              keylessTables.size(),
              keylessTables.size() == 1 ? "" : "s",
              String.join(", ", names),
              keylessTables.size() > NAMES_SHOWN ? ", ..." : ""));
    }
    return lines;
  }

  private static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
