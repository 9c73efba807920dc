package io.cdckinesis.examples.demo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * DMS situations the demo can play (issue 11), each as DMS writes it to S3 ("Using Amazon S3 as a
 * target for AWS Database Migration Service" in the DMS user guide).
 */
public enum Situation {
  /**
   * Parallel full load: {@code sales.orders} by ranges ({@code SEGMENT<n>_LOAD<hex>.csv}), {@code
   * inventory.stock} by partitions (a subfolder per partition).
   */
  PARALLEL_LOAD("parallel-load"),
  /**
   * An Oracle-like LOB column ({@code dbo.customers.notes}): updates that leave it alone do not
   * carry it and DMS writes {@code CsvNoSupValue} there ({@code UseCsvNoSupValue} on).
   */
  LOB("lob"),
  /** {@code ALTER TABLE dbo.customers ADD loyalty_tier} during CDC ({@code AddColumnName} on). */
  ADD_COLUMN("add-column"),
  /** {@code TRUNCATE TABLE inventory.stock} during CDC: DMS deletes the table's folder. */
  TRUNCATE("truncate"),
  /**
   * {@code sales.orders} reloaded during CDC (a new full load over the old one, in place). Not in
   * the default set: S3 keeps LastModified in seconds, so the demo waits for the next second before
   * and after it (see docs/DESIGN.md, "What is not guaranteed").
   */
  RELOAD("reload");

  private final String option;

  Situation(String option) {
    this.option = option;
  }

  /** The name in {@code --situations}. */
  public String option() {
    return option;
  }

  /** What {@code ./cdc demo} plays unless told otherwise: all but {@link #RELOAD}. */
  public static Set<Situation> defaults() {
    return Collections.unmodifiableSet(EnumSet.complementOf(EnumSet.of(RELOAD)));
  }

  /**
   * Parses {@code --situations}: names separated by commas, {@code all}, {@code none} or {@code
   * default}.
   *
   * @throws IllegalArgumentException naming an unknown item and the valid ones
   */
  public static Set<Situation> parse(String spec) {
    EnumSet<Situation> out = EnumSet.noneOf(Situation.class);
    for (String item : spec.split(",")) {
      String s = item.trim().toLowerCase(Locale.ROOT);
      switch (s) {
        case "all" -> out.addAll(EnumSet.allOf(Situation.class));
        case "none" -> {}
        case "default" -> out.addAll(defaults());
        default -> out.add(byOption(s));
      }
    }
    return Collections.unmodifiableSet(out);
  }

  /** The names of a set, in declaration order, comma-separated ({@code none} when empty). */
  public static String describe(Set<Situation> situations) {
    List<String> names = new ArrayList<>();
    for (Situation s : values()) {
      if (situations.contains(s)) {
        names.add(s.option);
      }
    }
    return names.isEmpty() ? "none" : String.join(",", names);
  }

  private static Situation byOption(String name) {
    for (Situation s : values()) {
      if (s.option.equals(name)) {
        return s;
      }
    }
    List<String> valid = new ArrayList<>();
    for (Situation s : values()) {
      valid.add(s.option);
    }
    throw new IllegalArgumentException(
        "--situations: no situation '"
            + name
            + "' (give a comma-separated list of "
            + String.join(", ", valid)
            + ", or all, none, default)");
  }
}
