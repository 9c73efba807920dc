package io.cdckinesis.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The simulation runs the engine's periodic sweep and waits for it to settle: lost S3 events strand
 * their files in the deployed pipeline without its sweep, and heal with it.
 */
class SweepTest {

  /** The deployed pipeline with its sweep schedule removed. */
  private static final Function<SimPlatform, SystemUnderTest> WITHOUT_SWEEP =
      p -> {
        DeployedPipeline real = new DeployedPipeline(p);
        return new SystemUnderTest() {
          @Override
          public void produce(S3Event event, Context context) {
            real.produce(event, context);
          }

          @Override
          public ConsumerFunction newConsumerContainer() {
            return real.newConsumerContainer();
          }
        };
      };

  @Test
  void theSweepHealsLostEventsThatOtherwiseStrandTheirFiles() {
    int strandedWithout = 0;
    int strandedWith = 0;
    int sweeps = 0;
    for (long seed = 1; seed <= 6; seed++) {
      Scenario s = Profile.LOST_EVENTS.scenario(seed);
      SimulationResult without = Simulation.run(s, WITHOUT_SWEEP);
      SimulationResult with = Simulation.run(s, DeployedPipeline::new);
      strandedWithout += pending(without);
      strandedWith += pending(with);
      assertThat(with.violations()).as(with.report()).isEmpty();
      String count = with.stats().get("sweeps").toString();
      sweeps += Integer.parseInt(count.substring(0, count.indexOf(' ')));
    }
    assertThat(strandedWithout).isPositive();
    assertThat(strandedWith).isZero();
    assertThat(sweeps)
        .as("each run ends after two sweeps in a row found nothing")
        .isGreaterThanOrEqualTo(12);
  }

  private static int pending(SimulationResult r) {
    return (int) r.violations().stream().filter(v -> v.startsWith("pending forever")).count();
  }
}
