package io.cdckinesis.examples.cli;

import io.cdckinesis.kinesis.SinkMetrics;
import java.io.PrintWriter;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;

/**
 * A progress bar on the terminal: bytes read of the total (kB or MB), speed, and files done, rows
 * read and records acknowledged by Kinesis. The bar redraws its own line ({@code \r}), so a report
 * printed above it first clears that line; both go through one lock so they never interleave.
 */
final class TerminalProgress implements LoadProgress {

  /** Clears the current terminal line (carriage return, ANSI erase to end of line). */
  static final String CLEAR_LINE = "\r\u001b[K";

  private final Object lock = new Object();
  private final PrintWriter err;
  private final int totalFiles;
  private final ProgressBar bar;
  private int filesDone;
  private long rows;
  private long sent;

  /**
   * @param render where the rendered bar goes (each string replaces the line); e.g. a {@code
   *     ConsoleProgressBarConsumer} on standard error
   * @param err where lines printed above the bar go (the same terminal)
   * @param totalBytes the size of all files as stored
   */
  TerminalProgress(ProgressBarConsumer render, PrintWriter err, int totalFiles, long totalBytes) {
    this.err = err;
    this.totalFiles = totalFiles;
    this.bar =
        new ProgressBarBuilder()
            .setTaskName("load")
            .setInitialMax(Math.max(1, totalBytes))
            .setUnit(
                totalBytes < 10_000_000 ? " kB" : " MB",
                totalBytes < 10_000_000 ? 1_000 : 1_000_000)
            .showSpeed(new DecimalFormat("0.0", DecimalFormatSymbols.getInstance(Locale.ROOT)))
            .setUpdateIntervalMillis(250)
            .setConsumer(new Locked(render))
            .build();
    bar.setExtraMessage(message());
  }

  @Override
  public void fileFinished(DmsInput input, long rows, boolean complete) {
    filesDone++;
    bar.setExtraMessage(message());
  }

  @Override
  public void update(DmsFileConverter.Result read, SinkMetrics metrics) {
    rows = read.records;
    sent = metrics.recordsWritten();
    bar.stepTo(Math.min(read.storedBytes, bar.getMax()));
    bar.setExtraMessage(message());
  }

  @Override
  public void printAbove(String line) {
    synchronized (lock) {
      err.print(CLEAR_LINE);
      err.println(line);
      err.flush();
    }
  }

  @Override
  public void close() {
    bar.setExtraMessage(message());
    bar.close();
  }

  private String message() {
    return String.format(
        Locale.ROOT, " files %d/%d, rows %,d, sent %,d", filesDone, totalFiles, rows, sent);
  }

  /** Renders under the lock that {@link #printAbove} holds. */
  private final class Locked implements ProgressBarConsumer {
    private final ProgressBarConsumer delegate;

    Locked(ProgressBarConsumer delegate) {
      this.delegate = delegate;
    }

    @Override
    public int getMaxRenderedLength() {
      return delegate.getMaxRenderedLength();
    }

    @Override
    public void accept(String rendered) {
      synchronized (lock) {
        delegate.accept(rendered);
      }
    }

    @Override
    public void close() {
      synchronized (lock) {
        delegate.close();
      }
    }
  }
}
