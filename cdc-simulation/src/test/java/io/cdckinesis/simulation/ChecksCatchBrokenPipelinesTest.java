package io.cdckinesis.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.Envelope;
import io.cdckinesis.core.EnvelopeCodec;
import io.cdckinesis.kinesis.DeaggregatedRecord;
import io.cdckinesis.kinesis.KplDeaggregator;
import io.cdckinesis.simulation.sched.Scheduler;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The checks are not vacuous: pipelines broken on purpose (wrapping the deployed one, without its
 * sweep) are caught, each by the check meant for it.
 */
class ChecksCatchBrokenPipelinesTest {

  /** A consumer that applies the records of a batch through {@code apply}, no dedup. */
  private static SystemUnderTest.ConsumerFunction naive(
      SimPlatform p, Function<List<ChangeRecord>, List<ChangeRecord>> order, int times) {
    EnvelopeCodec codec = EnvelopeCodec.withTables(p.tables());
    return (KinesisEvent event, Context context) -> {
      List<ChangeRecord> changes = new ArrayList<>();
      for (KinesisEvent.KinesisEventRecord r : event.getRecords()) {
        ByteBuffer b = r.getKinesis().getData().asReadOnlyBuffer();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        for (DeaggregatedRecord u : KplDeaggregator.deaggregate(bytes, null, null)) {
          if (codec.decode(u.data()) instanceof Envelope.Data d) {
            changes.add(d.record());
          }
        }
      }
      for (ChangeRecord c : order.apply(changes)) {
        for (int i = 0; i < times; i++) {
          p.target().apply(c);
        }
      }
      return new StreamsEventResponse(List.of());
    };
  }

  /** The deployed producer (without its sweep) with another consumer. */
  private static Function<SimPlatform, SystemUnderTest> withConsumer(
      Function<SimPlatform, SystemUnderTest.ConsumerFunction> consumer) {
    return p -> {
      DeployedPipeline real = new DeployedPipeline(p);
      return new SystemUnderTest() {
        @Override
        public void produce(S3Event event, Context context) {
          real.produce(event, context);
        }

        @Override
        public ConsumerFunction newConsumerContainer() {
          return consumer.apply(p);
        }
      };
    };
  }

  private static List<String> violations(
      Profile profile, long seeds, Function<SimPlatform, SystemUnderTest> sut) {
    List<String> out = new ArrayList<>();
    for (long seed = 1; seed <= seeds; seed++) {
      out.addAll(Simulation.run(profile.scenario(seed), sut).violations());
    }
    return out;
  }

  @Test
  void aConsumerApplyingEachChangeTwiceBreaksAtMostOnce() {
    assertThat(violations(Profile.BASELINE, 2, withConsumer(p -> naive(p, c -> c, 2))))
        .anyMatch(v -> v.startsWith("at most once: change applied 2 times"));
  }

  @Test
  void aConsumerApplyingABatchBackwardsBreaksOrder() {
    Function<List<ChangeRecord>, List<ChangeRecord>> backwards =
        c -> {
          List<ChangeRecord> r = new ArrayList<>(c);
          Collections.reverse(r);
          return r;
        };
    assertThat(violations(Profile.BASELINE, 6, withConsumer(p -> naive(p, backwards, 1))))
        .anyMatch(v -> v.startsWith("order: applied out of order"));
  }

  @Test
  void aProducerIgnoringChangeFilesLeavesThemPendingAndTheReplicaWrong() {
    Function<SimPlatform, SystemUnderTest> sut =
        p -> {
          DeployedPipeline real = new DeployedPipeline(p);
          return new SystemUnderTest() {
            @Override
            public void produce(S3Event event, Context context) {
              String key = event.getRecords().get(0).getS3().getObject().getKey();
              if (key.contains("LOAD")) {
                real.produce(event, context);
              }
            }

            @Override
            public ConsumerFunction newConsumerContainer() {
              return real.newConsumerContainer();
            }
          };
        };
    List<String> v = violations(Profile.BASELINE, 1, sut);
    assertThat(v).anyMatch(s -> s.startsWith("pending forever: s3://dms-output/"));
    assertThat(v).anyMatch(s -> s.startsWith("replica: "));
  }

  @Test
  void aProducerThatNeverSettlesBreaksLiveness() {
    Function<SimPlatform, SystemUnderTest> sut =
        p -> {
          DeployedPipeline real = new DeployedPipeline(p);
          return new SystemUnderTest() {
            @Override
            public void produce(S3Event event, Context context) {
              // Keep asking for more work, forever.
              p.selfInvoke().invoke(PRODUCER_FUNCTION, List.of("s3://dms-output/nothing/here.csv"));
            }

            @Override
            public ConsumerFunction newConsumerContainer() {
              return real.newConsumerContainer();
            }
          };
        };
    SimulationResult r =
        Simulation.run(
            Profile.BASELINE.scenario(1),
            sut,
            new Scheduler.Limits(20_000, Duration.ofHours(6), Duration.ofMinutes(1)));
    assertThat(r.violations()).anyMatch(v -> v.startsWith("liveness: STEP_BUDGET"));
    assertThat(r.end()).isEqualTo(Scheduler.End.STEP_BUDGET);
  }
}
