package io.cdckinesis.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The simulation in {@code mvn verify}: thousands of {@link Profile#BASELINE} schedules of today's
 * pipeline, each checked; and the determinism self-check.
 *
 * <p>Replay one schedule: {@code -Dsim.seed=N [-Dsim.profile=NAME]} (see {@link
 * SimulationResult#mavenReplayCommand}). Explore more: {@code -Dsim.schedules=N}.
 */
class SimulationTest {

  private static final long DEFAULT_SCHEDULES = 2_000;

  @Test
  void exploresTheBaselineSchedulesWithoutAViolation() {
    String seed = System.getProperty("sim.seed", "");
    String profileName = System.getProperty("sim.profile", "");
    Profile profile = profileName.isBlank() ? Profile.BASELINE : Profile.named(profileName);
    if (!seed.isBlank()) {
      SimulationResult r = Simulation.run(profile, Long.parseLong(seed.trim()));
      System.out.print(r.report());
      assertThat(r.violations()).as(r.replayCommand()).isEmpty();
      return;
    }
    String n = System.getProperty("sim.schedules", "");
    long schedules = n.isBlank() ? DEFAULT_SCHEDULES : Long.parseLong(n.trim());
    Explorer.Summary s =
        Explorer.explore(
            profile, 1, schedules, Runtime.getRuntime().availableProcessors(), r -> {});
    System.out.println("simulation " + s.describe());
    List<String> reports = new ArrayList<>();
    for (SimulationResult f : s.failures()) {
      if (reports.size() < 3) {
        reports.add(f.report());
      }
    }
    reports.forEach(System.out::print);
    assertThat(s.failures()).as(String.join("\n", reports)).isEmpty();
    assertThat(s.schedules()).isEqualTo(schedules);
  }

  @Test
  void theSameSeedGivesTheSameTraceHash() {
    for (Profile p : List.of(Profile.BASELINE, Profile.FULL, Profile.STALE_WRITER)) {
      for (long seed = 1; seed <= 4; seed++) {
        SimulationResult first = Simulation.run(p, seed);
        SimulationResult second = Simulation.run(p, seed);
        assertThat(second.traceHash()).as(p + " seed " + seed).isEqualTo(first.traceHash());
        assertThat(second.violations()).isEqualTo(first.violations());
        assertThat(second.steps()).isEqualTo(first.steps());
      }
    }
  }

  @Test
  void otherSeedsExploreOtherSchedules() {
    long hash = Simulation.run(Profile.BASELINE, 1).traceHash();
    boolean differs = false;
    for (long seed = 2; seed <= 5 && !differs; seed++) {
      differs = Simulation.run(Profile.BASELINE, seed).traceHash() != hash;
    }
    assertThat(differs).isTrue();
  }

  @Test
  void aFailingScheduleNamesItsSeedFaultsLastStepsAndOneLineToReplayIt() {
    // A producer broken on purpose: it drops every event of a change file.
    Function<SimPlatform, SystemUnderTest> ignoringChangeFiles =
        p -> {
          DeployedPipeline real = new DeployedPipeline(p);
          return new SystemUnderTest() {
            @Override
            public void produce(S3Event event, Context context) {
              if (event.getRecords().get(0).getS3().getObject().getKey().contains("LOAD")) {
                real.produce(event, context);
              }
            }

            @Override
            public ConsumerFunction newConsumerContainer() {
              return real.newConsumerContainer();
            }
          };
        };
    SimulationResult r = Simulation.run(Profile.BASELINE.scenario(1), ignoringChangeFiles);
    assertThat(r.passed()).isFalse();
    assertThat(r.report())
        .contains("FAILED seed 1 profile baseline")
        .contains("faults:")
        .contains("VIOLATION replica:")
        .contains("last steps:")
        .contains("replay: tools/simulate --profile baseline --seed 1");
    assertThat(r.traceTail()).isNotEmpty();
  }
}
