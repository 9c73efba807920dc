package io.cdckinesis.examples.cli;

import io.cdckinesis.core.BadRowPolicy;
import java.io.PrintWriter;
import java.util.Objects;

/**
 * Bad input met by a command: each problem is one line on the error writer ({@code PATH:LINE:
 * REASON: detail} or {@code PATH: reason}, never row values). With {@link BadRowPolicy#FAIL} the
 * first one stops the command; with {@link BadRowPolicy#SKIP} it goes on and exits 3.
 */
final class Problems {

  private final BadRowPolicy policy;
  private final PrintWriter err;
  private Runnable beforeReport = () -> {};
  private int count;
  private boolean failed;

  Problems(BadRowPolicy policy, PrintWriter err) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.err = Objects.requireNonNull(err, "err");
  }

  BadRowPolicy policy() {
    return policy;
  }

  /** Runs before each report, e.g. to clear a progress bar's line so the report stands alone. */
  void beforeReport(Runnable action) {
    this.beforeReport = Objects.requireNonNull(action, "action");
  }

  /** Reports a bad row the reader has already skipped (or that stops it, with FAIL). */
  void report(String message) {
    beforeReport.run();
    err.println(message);
    err.flush();
    count++;
  }

  /**
   * Reports a problem with a file or row.
   *
   * @return {@code true} when the command goes on (SKIP), {@code false} when it must stop
   */
  boolean problem(String message) {
    report(message);
    if (policy == BadRowPolicy.FAIL) {
      failed = true;
      return false;
    }
    return true;
  }

  /** Problems reported so far (skipped rows and files, or the one that stopped the command). */
  int count() {
    return count;
  }

  /** Whether a problem stopped the command. */
  boolean failed() {
    return failed;
  }
}
