package io.cdckinesis.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import io.cdckinesis.simulation.aws.SimS3;
import io.cdckinesis.simulation.world.NotificationDelivery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The simulation runs an engine's periodic sweep and waits for it to settle: with a sweep that
 * offers every object in the DMS bucket to today's producer again (files already sent are skipped
 * by their checkpoints), lost S3 events heal, where without one they strand their files.
 */
class SweepTest {

  /** Today's pipeline plus a naive sweep every five minutes. */
  private static final Function<SimPlatform, SystemUnderTest> SWEEPING =
      p -> {
        LambdaAdaptersPipeline real = new LambdaAdaptersPipeline(p);
        return new SystemUnderTest() {
          @Override
          public void produce(S3Event event, Context context) {
            real.produce(event, context);
          }

          @Override
          public Optional<Duration> sweepEvery() {
            return Optional.of(Duration.ofMinutes(5));
          }

          @Override
          public void sweep(Context context) {
            List<SimS3.Created> all = new ArrayList<>();
            for (S3Object o :
                p.s3().listObjectsV2Paginator(b -> b.bucket(p.dmsBucket())).contents()) {
              all.add(new SimS3.Created(p.dmsBucket(), o.key(), o.eTag(), o.size(), "0"));
            }
            if (!all.isEmpty()) {
              real.produce(NotificationDelivery.event(all), context);
            }
          }

          @Override
          public ConsumerFunction newConsumerContainer() {
            return real.newConsumerContainer();
          }
        };
      };

  @Test
  void aSweepHealsLostEventsThatOtherwiseStrandTheirFiles() {
    int strandedWithout = 0;
    int strandedWith = 0;
    int sweeps = 0;
    for (long seed = 1; seed <= 6; seed++) {
      Scenario s = Profile.LOST_EVENTS.scenario(seed);
      SimulationResult without = Simulation.run(s, LambdaAdaptersPipeline::new);
      SimulationResult with = Simulation.run(s, SWEEPING);
      strandedWithout += pending(without);
      strandedWith += pending(with);
      assertThat(with.violations()).as(with.report()).isEmpty();
      sweeps += Integer.parseInt(with.stats().get("sweeps").toString());
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
