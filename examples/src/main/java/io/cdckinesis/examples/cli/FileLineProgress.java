package io.cdckinesis.examples.cli;

import io.cdckinesis.kinesis.SinkMetrics;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress when standard error is not a terminal (a log, a pipe, CI): one line per file read, no
 * redrawing; once the stream has throttled, each line says how much.
 */
final class FileLineProgress implements LoadProgress {

  private final PrintWriter err;
  private final int totalFiles;
  private int filesDone;
  private SinkMetrics sent = SinkMetrics.ZERO;

  FileLineProgress(PrintWriter err, int totalFiles) {
    this.err = err;
    this.totalFiles = totalFiles;
  }

  @Override
  public void fileFinished(String uri, long rows, boolean complete) {
    filesDone++;
    err.println(
        String.format(
            Locale.ROOT,
            "cdc load: [%d/%d] %s: %,d rows%s%s",
            filesDone,
            totalFiles,
            uri,
            rows,
            complete ? "" : " (not read to the end)",
            sent.throttledEntries() == 0
                ? ""
                : String.format(
                    Locale.ROOT,
                    "; %,d entries throttled so far (%.1f%%), sent again",
                    sent.throttledEntries(),
                    100 * sent.throttledShare())));
    err.flush();
  }

  @Override
  public void update(DmsFileConverter.Result read, SinkMetrics sent) {
    this.sent = sent;
  }

  @Override
  public void printAbove(String line) {
    err.println(line);
    err.flush();
  }

  @Override
  public void close() {
    err.flush();
  }
}
