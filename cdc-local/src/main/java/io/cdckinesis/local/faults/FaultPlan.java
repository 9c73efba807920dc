package io.cdckinesis.local.faults;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What to inject, and how often: the faults AWS really produces, at chosen rates, decided by a
 * seeded random generator so that a run can be repeated. Immutable; parse one from the spec a user
 * types ({@link #parse}) or build one ({@link #builder}). {@link FaultInjector} carries it out.
 *
 * @param throttle fraction of PutRecords entries answered ProvisionedThroughputExceededException
 *     (and not written)
 * @param errors fraction of PutRecords calls answered 500 InternalFailure (nothing written)
 * @param resets fraction of calls to the operations in {@code on} that fail with a connection reset
 * @param timeouts fraction of calls to the operations in {@code on} that time out
 * @param afterSend fraction of those resets and timeouts that strike after the server carried the
 *     call out (the ambiguous case that makes duplicates); the rest strike before it arrives
 * @param on the operations resets and timeouts hit
 * @param s3Breaks fraction of S3 GetObject responses whose body dies part-way
 * @param s3BreaksPerObject at most this many body breaks per object key over the whole run, so that
 *     a reader that re-opens always finishes
 * @param crash producer crashes per file (carried out by the demo's code)
 * @param handlerErrors fraction of consumer handler calls that fail transiently (see {@link
 *     FaultInjector#nextHandlerError()})
 * @param duplicateEvents whether the demo delivers events twice
 * @param seed seed of the random generator behind every decision
 */
public record FaultPlan(
    double throttle,
    double errors,
    double resets,
    double timeouts,
    double afterSend,
    Set<FaultOperation> on,
    double s3Breaks,
    int s3BreaksPerObject,
    int crash,
    double handlerErrors,
    boolean duplicateEvents,
    long seed) {

  /** The mix of the project's reliability suite, which the spec item {@code default} stands for. */
  public static final String DEFAULT_SPEC =
      "throttle=0.2,errors=0.01,resets=0.01,timeouts=0.005,s3-breaks=0.3,crash=3,"
          + "handler-errors=0.02,duplicate-events";

  static final double DEFAULT_AFTER_SEND = 0.5;
  static final Set<FaultOperation> DEFAULT_ON =
      Set.copyOf(EnumSet.of(FaultOperation.PUT_RECORDS, FaultOperation.GET_OBJECT));
  static final int DEFAULT_S3_BREAKS_PER_OBJECT = 3;
  static final long DEFAULT_SEED = 1;

  private static final List<String> KEYS =
      List.of(
          "throttle",
          "errors",
          "resets",
          "timeouts",
          "after-send",
          "on",
          "s3-breaks",
          "s3-breaks-per-object",
          "crash",
          "handler-errors",
          "duplicate-events",
          "seed");

  public FaultPlan {
    fraction("throttle", throttle);
    fraction("errors", errors);
    fraction("resets", resets);
    fraction("timeouts", timeouts);
    fraction("after-send", afterSend);
    fraction("s3-breaks", s3Breaks);
    fraction("handler-errors", handlerErrors);
    if (errors + resets + timeouts > 1.0 + 1e-9) {
      throw new IllegalArgumentException(
          "fault spec: errors + resets + timeouts is "
              + (errors + resets + timeouts)
              + ", more than 1 (one call gets at most one of them)");
    }
    if (on == null || on.isEmpty()) {
      throw new IllegalArgumentException(
          "fault spec: 'on' must name at least one operation (" + knownOperations() + ")");
    }
    on = Set.copyOf(on);
    if (s3BreaksPerObject < 1) {
      throw new IllegalArgumentException(
          "fault spec: 's3-breaks-per-object' must be at least 1, got " + s3BreaksPerObject);
    }
    if (crash < 0) {
      throw new IllegalArgumentException("fault spec: 'crash' must be 0 or more, got " + crash);
    }
  }

  /** A plan that injects nothing. */
  public static FaultPlan none() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .throttle(throttle)
        .errors(errors)
        .resets(resets)
        .timeouts(timeouts)
        .afterSend(afterSend)
        .on(on)
        .s3Breaks(s3Breaks)
        .s3BreaksPerObject(s3BreaksPerObject)
        .crash(crash)
        .handlerErrors(handlerErrors)
        .duplicateEvents(duplicateEvents)
        .seed(seed);
  }

  /**
   * Parses a spec such as {@code throttle=0.2,errors=0.01,resets=0.01,seed=7}: comma-separated
   * {@code key=value} items, applied left to right (a later item wins). Fractions are written
   * {@code 0.2} or {@code 20%}; {@code on} lists operations joined by {@code +} ({@code
   * on=PutRecords+GetObject+PutObject}); {@code duplicate-events} is a flag. The item {@code
   * default} stands for {@link #DEFAULT_SPEC}; an empty spec or {@code none} injects nothing.
   *
   * @throws IllegalArgumentException naming the key, for an unknown key or a bad value
   */
  public static FaultPlan parse(String spec) {
    Builder b = builder();
    if (spec == null || spec.isBlank() || spec.trim().equalsIgnoreCase("none")) {
      return b.build();
    }
    for (String raw : spec.split(",", -1)) {
      String item = raw.trim();
      if (item.isEmpty()) {
        throw new IllegalArgumentException("fault spec: empty item in '" + spec + "'");
      }
      if (item.equalsIgnoreCase("default")) {
        apply(b, DEFAULT_SPEC);
        continue;
      }
      int eq = item.indexOf('=');
      String key = (eq < 0 ? item : item.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
      String value = eq < 0 ? null : item.substring(eq + 1).trim();
      set(b, key, value);
    }
    return b.build();
  }

  private static void apply(Builder b, String spec) {
    for (String item : spec.split(",")) {
      int eq = item.indexOf('=');
      set(b, eq < 0 ? item : item.substring(0, eq), eq < 0 ? null : item.substring(eq + 1));
    }
  }

  private static void set(Builder b, String key, String value) {
    if (!KEYS.contains(key)) {
      throw new IllegalArgumentException(
          "fault spec: unknown key '"
              + key
              + "'; known: "
              + String.join(", ", KEYS)
              + ", or 'default' for "
              + DEFAULT_SPEC);
    }
    if (key.equals("duplicate-events")) {
      b.duplicateEvents(value == null || parseBoolean(key, value));
      return;
    }
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("fault spec: '" + key + "' needs a value (" + key + "=…)");
    }
    switch (key) {
      case "throttle" -> b.throttle(parseFraction(key, value));
      case "errors" -> b.errors(parseFraction(key, value));
      case "resets" -> b.resets(parseFraction(key, value));
      case "timeouts" -> b.timeouts(parseFraction(key, value));
      case "after-send" -> b.afterSend(parseFraction(key, value));
      case "s3-breaks" -> b.s3Breaks(parseFraction(key, value));
      case "handler-errors" -> b.handlerErrors(parseFraction(key, value));
      case "s3-breaks-per-object" -> b.s3BreaksPerObject(parseInt(key, value));
      case "crash" -> b.crash(parseInt(key, value));
      case "seed" -> b.seed(parseLong(key, value));
      case "on" -> b.on(parseOperations(value));
      default -> throw new IllegalStateException("unhandled key " + key);
    }
  }

  /** The spec that parses back to this plan: every value that is not the default, and the seed. */
  public String toSpec() {
    List<String> items = new ArrayList<>();
    addFraction(items, "throttle", throttle, 0);
    addFraction(items, "errors", errors, 0);
    addFraction(items, "resets", resets, 0);
    addFraction(items, "timeouts", timeouts, 0);
    addFraction(items, "after-send", afterSend, DEFAULT_AFTER_SEND);
    if (!on.equals(DEFAULT_ON)) {
      items.add("on=" + operations(on, "+"));
    }
    addFraction(items, "s3-breaks", s3Breaks, 0);
    if (s3BreaksPerObject != DEFAULT_S3_BREAKS_PER_OBJECT) {
      items.add("s3-breaks-per-object=" + s3BreaksPerObject);
    }
    if (crash != 0) {
      items.add("crash=" + crash);
    }
    addFraction(items, "handler-errors", handlerErrors, 0);
    if (duplicateEvents) {
      items.add("duplicate-events");
    }
    items.add("seed=" + seed);
    return String.join(",", items);
  }

  /** True when the plan injects nothing at all. */
  public boolean isNone() {
    return throttle == 0
        && errors == 0
        && resets == 0
        && timeouts == 0
        && s3Breaks == 0
        && crash == 0
        && handlerErrors == 0
        && !duplicateEvents;
  }

  /** What will be injected, in words, one line per area; for the start of a demo or test run. */
  public String describe() {
    if (isNone()) {
      return "Faults: none.";
    }
    List<String> lines = new ArrayList<>();
    lines.add("Faults (seed " + seed + "; spec " + toSpec() + "):");
    if (throttle > 0 || errors > 0) {
      List<String> parts = new ArrayList<>();
      if (throttle > 0) {
        parts.add(
            percent(throttle)
                + " of entries answered ProvisionedThroughputExceededException and not written");
      }
      if (errors > 0) {
        parts.add(percent(errors) + " of calls answered 500 InternalFailure, nothing written");
      }
      lines.add("  Kinesis PutRecords: " + String.join("; ", parts) + ".");
    }
    if (resets > 0 || timeouts > 0) {
      List<String> parts = new ArrayList<>();
      if (resets > 0) {
        parts.add("connection resets on " + percent(resets));
      }
      if (timeouts > 0) {
        parts.add("timeouts on " + percent(timeouts));
      }
      lines.add(
          "  "
              + capitalize(String.join(" and ", parts))
              + " of "
              + operations(on, ", ")
              + " calls; "
              + percent(afterSend)
              + " of them after the server carried the call out (the client cannot tell).");
    }
    if (s3Breaks > 0) {
      lines.add(
          "  S3 GetObject: "
              + percent(s3Breaks)
              + " of bodies die part-way with a connection reset, at most "
              + s3BreaksPerObject
              + " per object.");
    }
    if (crash > 0) {
      lines.add("  Producer: " + crash + " crash" + (crash == 1 ? "" : "es") + " per file.");
    }
    if (handlerErrors > 0 || duplicateEvents) {
      List<String> parts = new ArrayList<>();
      if (handlerErrors > 0) {
        parts.add(percent(handlerErrors) + " of handler calls fail transiently");
      }
      if (duplicateEvents) {
        parts.add("events are delivered twice");
      }
      lines.add("  Consumer: " + String.join("; ", parts) + ".");
    }
    return String.join(System.lineSeparator(), lines);
  }

  static String percent(double fraction) {
    return new BigDecimal(fraction * 100)
            .round(new MathContext(4))
            .stripTrailingZeros()
            .toPlainString()
        + "%";
  }

  private static String capitalize(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  private static void addFraction(List<String> items, String key, double value, double dflt) {
    if (value != dflt) {
      items.add(key + "=" + value);
    }
  }

  private static String operations(Collection<FaultOperation> ops, String separator) {
    return ops.stream()
        .sorted()
        .map(FaultOperation::apiName)
        .collect(Collectors.joining(separator));
  }

  private static String knownOperations() {
    return operations(EnumSet.allOf(FaultOperation.class), ", ");
  }

  private static void fraction(String key, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(
          "fault spec: '" + key + "' must be a fraction from 0 to 1, got " + value);
    }
  }

  private static double parseFraction(String key, String value) {
    double d;
    try {
      d =
          value.endsWith("%")
              ? Double.parseDouble(value.substring(0, value.length() - 1).trim()) / 100
              : Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "fault spec: '" + key + "' must be a fraction like 0.2 or 20%, got '" + value + "'");
    }
    if (!(d >= 0 && d <= 1)) {
      throw new IllegalArgumentException(
          "fault spec: '"
              + key
              + "' must be a fraction from 0 to 1 (0% to 100%), got '"
              + value
              + "'");
    }
    return d;
  }

  private static int parseInt(String key, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "fault spec: '" + key + "' must be a whole number, got '" + value + "'");
    }
  }

  private static long parseLong(String key, String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "fault spec: '" + key + "' must be a whole number, got '" + value + "'");
    }
  }

  private static boolean parseBoolean(String key, String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0" -> false;
      default ->
          throw new IllegalArgumentException(
              "fault spec: '"
                  + key
                  + "' is a flag: give it alone or =true/=false, got '"
                  + value
                  + "'");
    };
  }

  private static Set<FaultOperation> parseOperations(String value) {
    Set<FaultOperation> ops = EnumSet.noneOf(FaultOperation.class);
    for (String name : value.split("\\+", -1)) {
      try {
        ops.add(FaultOperation.fromApiName(name));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("fault spec: 'on': " + e.getMessage(), e);
      }
    }
    return ops;
  }

  /** Builds a plan; everything defaults to no fault, {@code on} to PutRecords and GetObject. */
  public static final class Builder {
    private double throttle;
    private double errors;
    private double resets;
    private double timeouts;
    private double afterSend = DEFAULT_AFTER_SEND;
    private Set<FaultOperation> on = DEFAULT_ON;
    private double s3Breaks;
    private int s3BreaksPerObject = DEFAULT_S3_BREAKS_PER_OBJECT;
    private int crash;
    private double handlerErrors;
    private boolean duplicateEvents;
    private long seed = DEFAULT_SEED;

    private Builder() {}

    public Builder throttle(double fraction) {
      this.throttle = fraction;
      return this;
    }

    public Builder errors(double fraction) {
      this.errors = fraction;
      return this;
    }

    public Builder resets(double fraction) {
      this.resets = fraction;
      return this;
    }

    public Builder timeouts(double fraction) {
      this.timeouts = fraction;
      return this;
    }

    public Builder afterSend(double fraction) {
      this.afterSend = fraction;
      return this;
    }

    public Builder on(Set<FaultOperation> operations) {
      this.on = operations;
      return this;
    }

    public Builder on(FaultOperation first, FaultOperation... more) {
      this.on = EnumSet.of(first, more);
      return this;
    }

    public Builder s3Breaks(double fraction) {
      this.s3Breaks = fraction;
      return this;
    }

    public Builder s3BreaksPerObject(int max) {
      this.s3BreaksPerObject = max;
      return this;
    }

    public Builder crash(int perFile) {
      this.crash = perFile;
      return this;
    }

    public Builder handlerErrors(double fraction) {
      this.handlerErrors = fraction;
      return this;
    }

    public Builder duplicateEvents(boolean on) {
      this.duplicateEvents = on;
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    public FaultPlan build() {
      return new FaultPlan(
          throttle,
          errors,
          resets,
          timeouts,
          afterSend,
          on,
          s3Breaks,
          s3BreaksPerObject,
          crash,
          handlerErrors,
          duplicateEvents,
          seed);
    }
  }
}
