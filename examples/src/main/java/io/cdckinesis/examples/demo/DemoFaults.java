package io.cdckinesis.examples.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The faults the demo injects at the pipeline's edges it simulates itself: producer crashes at
 * random rows, transient table-handler errors, and duplicated S3 events.
 *
 * @param crashesPerFile producer crashes per file (each at a random row, each once)
 * @param handlerErrorRate fraction of table-handler calls that fail transiently
 * @param duplicateEvents whether every S3 event is delivered twice, concurrently
 */
record DemoFaults(int crashesPerFile, double handlerErrorRate, boolean duplicateEvents) {

  static final DemoFaults NONE = new DemoFaults(0, 0, false);

  /**
   * Parses a spec such as {@code crash=3,handler-errors=0.02,duplicate-events}.
   *
   * @throws IllegalArgumentException naming the key that is unknown or has a bad value
   */
  static DemoFaults parse(String spec, long seed) {
    if (spec == null || spec.isBlank()) {
      return NONE;
    }
    int crashes = 0;
    double handlerErrors = 0;
    boolean duplicates = false;
    for (String part : spec.split(",")) {
      String p = part.trim().toLowerCase(Locale.ROOT);
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      String key = eq < 0 ? p : p.substring(0, eq);
      String value = eq < 0 ? null : p.substring(eq + 1);
      try {
        switch (key) {
          case "crash" -> crashes = Integer.parseInt(value);
          case "handler-errors" -> handlerErrors = Double.parseDouble(value);
          case "duplicate-events" -> duplicates = true;
          default -> throw new IllegalArgumentException("unknown fault '" + key + "'");
        }
      } catch (NumberFormatException | NullPointerException e) {
        throw new IllegalArgumentException(
            "fault '" + key + "' needs a number, e.g. " + key + "=1");
      }
    }
    return new DemoFaults(crashes, handlerErrors, duplicates);
  }

  /** What was injected, one line per kind. */
  List<String> describeInjected(long crashes, long handlerErrors) {
    List<String> out = new ArrayList<>();
    if (crashesPerFile > 0) {
      out.add(String.format("%,d producer crashes (%d per file)", crashes, crashesPerFile));
    }
    if (handlerErrorRate > 0) {
      out.add(String.format("%,d transient table-handler errors", handlerErrors));
    }
    if (duplicateEvents) {
      out.add("every S3 event delivered twice, concurrently");
    }
    return out;
  }
}
