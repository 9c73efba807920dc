package io.cdckinesis.simulation;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.StringJoiner;

/** The faults of one schedule and their intensities (see {@link Fault}); absent means off. */
public final class FaultMix {

  private final Map<Fault, Double> intensities;

  public FaultMix(Map<Fault, Double> intensities) {
    this.intensities =
        intensities.isEmpty()
            ? Collections.emptyMap()
            : Collections.unmodifiableMap(new EnumMap<>(intensities));
  }

  public static FaultMix none() {
    return new FaultMix(Map.of());
  }

  /** The fault's intensity, 0 when off. */
  public double p(Fault f) {
    return intensities.getOrDefault(f, 0.0);
  }

  public boolean has(Fault f) {
    return p(f) > 0;
  }

  public Map<Fault, Double> intensities() {
    return intensities;
  }

  /** {@code S3_ERROR=0.030, EVENT_LOST=0.100} or {@code none}. */
  @Override
  public String toString() {
    if (intensities.isEmpty()) {
      return "none";
    }
    StringJoiner j = new StringJoiner(", ");
    intensities.forEach((f, p) -> j.add(f + "=" + String.format("%.3f", p)));
    return j.toString();
  }
}
