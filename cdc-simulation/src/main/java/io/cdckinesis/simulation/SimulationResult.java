package io.cdckinesis.simulation;

import io.cdckinesis.simulation.sched.Scheduler;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of one schedule.
 *
 * @param traceHash the hash of every step: the same seed must give the same hash
 * @param traceTail the last steps, for the report of a failing schedule
 * @param steps the scheduler's steps (yield points, timers, actor starts)
 * @param realTime how long the run took on this machine
 */
public record SimulationResult(
    Scenario scenario,
    Scheduler.End end,
    List<String> violations,
    long traceHash,
    List<String> traceTail,
    long steps,
    Map<String, Object> stats,
    Duration realTime) {

  public SimulationResult {
    violations = List.copyOf(violations);
    traceTail = List.copyOf(traceTail);
    stats = Collections.unmodifiableMap(new LinkedHashMap<>(stats));
  }

  public boolean passed() {
    return violations.isEmpty();
  }

  /** The one line that replays this schedule. */
  public String replayCommand() {
    return replayCommand(scenario.profile(), scenario.seed());
  }

  public static String replayCommand(Profile profile, long seed) {
    return "tools/simulate --profile " + profile.cliName() + " --seed " + seed;
  }

  /** The same replay through Maven (builds what the module needs, runs only this schedule). */
  public static String mavenReplayCommand(Profile profile, long seed) {
    return "mvn -B -q -pl cdc-simulation -am verify -DskipITs -Dspotless.check.skip=true"
        + " -Dtest=SimulationTest -Dsurefire.failIfNoSpecifiedTests=false"
        + " -Dsim.profile="
        + profile.cliName()
        + " -Dsim.seed="
        + seed;
  }

  /** A short report: verdict, scenario, faults, violations, trace tail, replay line. */
  public String report() {
    StringBuilder sb = new StringBuilder();
    sb.append(passed() ? "PASSED" : "FAILED")
        .append(" seed ")
        .append(scenario.seed())
        .append(" profile ")
        .append(scenario.profile().cliName())
        .append(" (")
        .append(realTime.toMillis())
        .append(" ms, trace ")
        .append(String.format("%016x", traceHash))
        .append(")\n");
    sb.append("  scenario: ").append(scenario.describe()).append('\n');
    sb.append("  faults:   ").append(scenario.faults()).append('\n');
    stats.forEach((k, v) -> sb.append("  ").append(k).append(": ").append(v).append('\n'));
    for (String v : violations) {
      sb.append("  VIOLATION ").append(v).append('\n');
    }
    if (!passed()) {
      sb.append("  last steps:\n");
      for (String t : traceTail) {
        sb.append("    ").append(t).append('\n');
      }
    }
    sb.append("  replay: ").append(replayCommand()).append('\n');
    return sb.toString();
  }
}
