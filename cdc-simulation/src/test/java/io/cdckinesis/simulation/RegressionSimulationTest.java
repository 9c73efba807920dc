package io.cdckinesis.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The situations of issues 9 and 10, in every {@code mvn verify}: one pinned seed per situation and
 * every seed that found a bug since (each must keep passing), then a modest number of schedules of
 * each targeted profile and of {@link Profile#FULL}. Long runs: {@code tools/simulate --schedules
 * N} (docs/simulation.md).
 */
class RegressionSimulationTest {

  /**
   * Schedules per targeted profile; FULL gets {@link #FULL_SCHEDULES}. Sized for a 2-core build.
   */
  private static final int SCHEDULES = 50;

  private static final int FULL_SCHEDULES = 150;

  /** Seeds that failed on an earlier pipeline, with what they found (see docs/simulation.md). */
  @ParameterizedTest(name = "{0} seed {1}: {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "producer-crash     |  48 | crash between a change file and its cursor: later files stranded",
        "lost-events        |   1 | a lost S3 event is never healed (no sweep)",
        "reload             |   1 | a DROP_AND_CREATE reload's rows skipped as duplicates",
        "reload-in-place    |   1 | a DO_NOTHING reload's rows skipped as duplicates",
        "overwrite          |  11 | an object overwritten while it is read: old version kept",
        "truncate           |   1 | a truncate never reaches the consumer",
        "truncate           |  89 | a truncate's delete event met a held lease and was forgotten",
        "state-deleted      |   1 | deleted table state strands the next change file",
        "lost-continuation  |   2 | a lost continuation strands the rest of the table",
        "stale-writer       |   4 | a writer past its lease publishes stale rows",
        "reshard-aggregated |  10 | sub-records of a misrouted aggregate applied in both children",
        "consumer-restart   |   2 | a consumer killed between its effect and its dedup record",
        "full               |  57 | a truncate whose delete event was lost is never noticed",
        "full               |  27 | the run ended on two idle sweeps from before DMS's last file",
        "full               |  74 | a truncate after the table state was deleted resets nothing",
        "full               | 114 | the same, and the next change file skipped as generation 0",
        "full               | 148 | a change file from before a full load after a truncate sent after it",
        "full               | 137 | the same, with reloads and overwrites in between",
        "full               | 200 | a stalled writer whose state was deleted overtakes the new state",
        "full               | 115 | state deleted after a truncate: changes alone look like generation 0",
        "full               |1187 | the run ended while a crashed sweep's lease still held a file",
        "full               |1762 | a crash between announcing a generation and saving it lost changes",
        "full               |1399 | a truncate after lost state, delete events after the next change",
        "full               |3000189 | the same, the next change sent in generation 0 before them",
        "full               |4002119 | a stale writer's losing state revision left by its crash",
        "full               |1151 | a stale writer overtook a new state at its own revision number",
        "full               |1756 | a change batch less than a second before an overwrite (model)",
        "full               | 121 | the same, after an overwrite while reading",
      })
  void aScheduleThatOnceFailedPasses(String profile, long seed, String what) {
    SimulationResult r = Simulation.run(Profile.named(profile), seed);
    assertThat(r.violations()).as(what + "\n" + r.report()).isEmpty();
  }

  /** Schedules of each targeted profile, and of everything at once. */
  @ParameterizedTest
  @EnumSource(
      value = Profile.class,
      names = {"BASELINE"},
      mode = EnumSource.Mode.EXCLUDE)
  void everyScheduleOfTheProfilePasses(Profile profile) {
    int count = profile == Profile.FULL ? FULL_SCHEDULES : SCHEDULES;
    Explorer.Summary s =
        Explorer.explore(profile, 1, count, Runtime.getRuntime().availableProcessors(), r -> {});
    List<String> reports = new ArrayList<>();
    s.failures().stream().limit(2).forEach(f -> reports.add(f.report()));
    assertThat(s.failures()).as(s.describe() + "\n" + String.join("\n", reports)).isEmpty();
  }
}
