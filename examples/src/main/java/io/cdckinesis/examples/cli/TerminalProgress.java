package io.cdckinesis.examples.cli;

import io.cdckinesis.kinesis.SinkMetrics;
import java.io.PrintWriter;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;

/**
 * A progress bar on the terminal: bytes read of the total (kB or MB), speed, and files done, rows
 * read, records acknowledged by Kinesis, the stream's use of its shards' limits over the last
 * seconds, and the share of entries throttled. The bar redraws its own line ({@code \r}), so a
 * report printed above it first clears that line; both go through one lock so they never
 * interleave.
 */
final class TerminalProgress implements LoadProgress {

  /** How often the stream's rate is measured anew. */
  private static final long RATE_EVERY_NANOS = 2_000_000_000L;

  /** Clears the current terminal line (carriage return, ANSI erase to end of line). */
  static final String CLEAR_LINE = "\r\u001b[K";

  private final Object lock = new Object();
  private final PrintWriter err;
  private final int totalFiles;
  private final ProgressBar bar;
  private int filesDone;
  private long rows;
  private long sent;
  private final LongSupplier nanoTime;
  private SinkMetrics metrics = SinkMetrics.ZERO;
  private SinkMetrics rateFrom = SinkMetrics.ZERO;
  private long rateFromNanos;
  private StreamRate rate;

  /**
   * @param render where the rendered bar goes (each string replaces the line); e.g. a {@code
   *     ConsoleProgressBarConsumer} on standard error
   * @param err where lines printed above the bar go (the same terminal)
   * @param totalBytes the size of all files as stored
   */
  TerminalProgress(ProgressBarConsumer render, PrintWriter err, int totalFiles, long totalBytes) {
    this(render, err, totalFiles, totalBytes, System::nanoTime);
  }

  TerminalProgress(
      ProgressBarConsumer render,
      PrintWriter err,
      int totalFiles,
      long totalBytes,
      LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
    this.rateFromNanos = nanoTime.getAsLong();
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
  public void fileFinished(String uri, long rows, boolean complete) {
    filesDone++;
    bar.setExtraMessage(message());
  }

  @Override
  public void update(DmsFileConverter.Result read, SinkMetrics metrics) {
    rows = read.records;
    sent = metrics.recordsWritten();
    this.metrics = metrics;
    long now = nanoTime.getAsLong();
    if (now - rateFromNanos >= RATE_EVERY_NANOS) { // the rate over the last few seconds
      rate = StreamRate.between(rateFrom, metrics, (now - rateFromNanos) / 1e9);
      rateFrom = metrics;
      rateFromNanos = now;
    }
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
    String m =
        String.format(
            Locale.ROOT, " files %d/%d, rows %,d, sent %,d", filesDone, totalFiles, rows, sent);
    if (rate != null && rate.shards() > 0) {
      m +=
          String.format(
              Locale.ROOT,
              ", stream at %.0f%% of %d shards",
              100 * rate.utilisation(),
              rate.shards());
    }
    if (metrics.throttledEntries() > 0) {
      m += String.format(Locale.ROOT, ", %.1f%% throttled", 100 * metrics.throttledShare());
    }
    return m;
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
