package io.cdckinesis.examples.cli;

import io.cdckinesis.kinesis.SinkMetrics;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress when standard error is not a terminal (a log, a pipe, CI): one line per file read, no
 * redrawing.
 */
final class FileLineProgress implements LoadProgress {

  private final PrintWriter err;
  private final int totalFiles;
  private int filesDone;

  FileLineProgress(PrintWriter err, int totalFiles) {
    this.err = err;
    this.totalFiles = totalFiles;
  }

  @Override
  public void fileFinished(DmsInput input, long rows, boolean complete) {
    filesDone++;
    err.println(
        String.format(
            Locale.ROOT,
            "cdc load: [%d/%d] %s: %,d rows%s",
            filesDone,
            totalFiles,
            input.uri(),
            rows,
            complete ? "" : " (not read to the end)"));
    err.flush();
  }

  @Override
  public void update(DmsFileConverter.Result read, SinkMetrics sent) {}

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
