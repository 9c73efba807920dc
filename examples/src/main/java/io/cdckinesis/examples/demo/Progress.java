package io.cdckinesis.examples.demo;

import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Shows what the demo is doing while it runs: phase lines, and a status line refreshed in place on
 * a terminal (every few seconds as plain lines otherwise).
 */
final class Progress implements AutoCloseable {

  private final PrintStream out;
  private final boolean terminal;
  private final long start = System.nanoTime();
  private final ScheduledExecutorService ticker =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "demo-progress");
            t.setDaemon(true);
            return t;
          });
  private volatile Supplier<String> status = () -> "";
  private int lastLength;

  Progress(PrintStream out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
    ticker.scheduleAtFixedRate(this::tick, 1, terminal ? 1 : 3, TimeUnit.SECONDS);
  }

  /** Sets what the status line shows. */
  void status(Supplier<String> status) {
    this.status = status;
  }

  /** Prints a phase line. */
  synchronized void phase(String message) {
    clear();
    out.printf("[%5.1fs] %s%n", seconds(), message);
    out.flush();
  }

  private synchronized void tick() {
    String now = status.get();
    if (now.isEmpty()) {
      return;
    }
    String line = String.format("[%5.1fs] %s", seconds(), now);
    if (terminal) {
      clear();
      out.print(line);
      lastLength = line.length();
    } else {
      out.println(line);
    }
    out.flush();
  }

  private void clear() {
    if (terminal && lastLength > 0) {
      out.print("\r" + " ".repeat(lastLength) + "\r");
      lastLength = 0;
    }
  }

  private double seconds() {
    return (System.nanoTime() - start) / 1e9;
  }

  @Override
  public synchronized void close() {
    ticker.shutdownNow();
    clear();
    out.flush();
  }
}
