package io.cdckinesis.examples.cli;

import io.cdckinesis.core.BadRowPolicy;
import java.io.PrintWriter;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Bad input met by a command: each problem is one line on the error writer ({@code PATH:LINE:
 * REASON: detail} or {@code PATH: reason}, never row values). With {@link BadRowPolicy#FAIL} the
 * first one stops the command; with {@link BadRowPolicy#SKIP} it goes on and exits 3.
 */
final class Problems {

  private final BadRowPolicy policy;
  private Consumer<String> output;
  private int count;
  private boolean failed;

  Problems(BadRowPolicy policy, PrintWriter err) {
    this.policy = Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(err, "err");
    this.output =
        line -> {
          err.println(line);
          err.flush();
        };
  }

  BadRowPolicy policy() {
    return policy;
  }

  /** Where report lines go instead of the error writer, e.g. above a progress bar. */
  void output(Consumer<String> output) {
    this.output = Objects.requireNonNull(output, "output");
  }

  /** Reports a bad row the reader has already skipped (or that stops it, with FAIL). */
  void report(String message) {
    output.accept(message);
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
