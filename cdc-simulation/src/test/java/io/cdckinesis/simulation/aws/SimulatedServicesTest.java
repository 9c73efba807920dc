package io.cdckinesis.simulation.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdckinesis.local.sim.ManualClock;
import io.cdckinesis.simulation.sched.Actor;
import io.cdckinesis.simulation.sched.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

class SimulatedServicesTest {

  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-24T08:00:00Z"));
  private final Scheduler scheduler =
      new Scheduler(
          clock, 5, new Scheduler.Limits(100_000, Duration.ofHours(1), Duration.ofMinutes(1)));
  private final SimS3 raw = new SimS3(clock);

  SimulatedServicesTest() {
    raw.createBucket("b");
  }

  private S3Client client(SimulatedServices.CallFaults faults) {
    return SimulatedServices.s3(
        raw,
        (service, op) -> Duration.ofMillis(40),
        faults,
        SimulatedServices.SdkRetries.standard(),
        scheduler);
  }

  private Actor.Outcome run(Actor.Body body) {
    AtomicReference<Actor.Outcome> out = new AtomicReference<>();
    scheduler.spawn("producer-1", Duration.ZERO, true, null, body, out::set);
    scheduler.run();
    return out.get();
  }

  @Test
  void everyCallTakesItsLatencyInVirtualTime() {
    S3Client s3 = client(SimulatedServices.CallFaults.NONE);
    Actor.Outcome o =
        run(
            self -> {
              s3.putObject(b -> b.bucket("b").key("k"), RequestBody.fromString("x"));
              return s3.getObjectAsBytes(b -> b.bucket("b").key("k")).asUtf8String();
            });
    assertThat(o.result()).isEqualTo("x");
    assertThat(scheduler.elapsed()).isEqualTo(Duration.ofMillis(80));
  }

  @Test
  void aServiceErrorIsRetriedAsTheSdkDoesThenSurfaces() {
    int[] attempts = {0};
    S3Client flaky =
        client(
            new SimulatedServices.CallFaults() {
              @Override
              public RuntimeException before(String service, String operation, String target) {
                attempts[0]++;
                return attempts[0] <= 2 ? SimS3.error(503, "SlowDown", "slow down") : null;
              }
            });
    Actor.Outcome ok =
        run(
            self -> {
              flaky.putObject(b -> b.bucket("b").key("k"), RequestBody.fromString("x"));
              return null;
            });
    assertThat(ok.succeeded()).isTrue();
    assertThat(attempts[0]).isEqualTo(3);
    assertThat(raw.object("b", "k")).isNotNull();
  }

  @Test
  void aLostAnswerLeavesTheEffectAndTheRetryMeetsIt() {
    int[] calls = {0};
    S3Client lossy =
        client(
            new SimulatedServices.CallFaults() {
              @Override
              public RuntimeException after(String service, String operation, String target) {
                return calls[0]++ == 0 ? SimS3.error(500, "InternalError", "lost") : null;
              }
            });
    List<Integer> statuses = new ArrayList<>();
    run(
        self -> {
          try {
            lossy.putObject(
                b -> b.bucket("b").key("k").ifNoneMatch("*"), RequestBody.fromString("x"));
          } catch (S3Exception e) {
            statuses.add(e.statusCode());
          }
          return null;
        });
    assertThat(raw.object("b", "k")).as("the first attempt landed").isNotNull();
    assertThat(statuses).as("the SDK's retry meets its own write").containsExactly(412);
  }

  @Test
  void aCrashedActorsCallHasNoEffect() {
    scheduler.faults(
        (actor, label) ->
            label.startsWith("S3 PutObject b/second") ? Scheduler.YieldFault.crashHere() : null);
    S3Client s3 = client(SimulatedServices.CallFaults.NONE);
    Actor.Outcome o =
        run(
            self -> {
              s3.putObject(b -> b.bucket("b").key("first"), RequestBody.fromString("1"));
              try {
                s3.putObject(b -> b.bucket("b").key("second"), RequestBody.fromString("2"));
              } finally {
                s3.putObject(b -> b.bucket("b").key("from-finally"), RequestBody.fromString("3"));
              }
              return null;
            });
    assertThat(o.crash()).contains("S3 PutObject b/second");
    assertThat(raw.object("b", "first")).isNotNull();
    assertThat(raw.object("b", "second")).isNull();
    assertThat(raw.object("b", "from-finally")).isNull();
  }
}
