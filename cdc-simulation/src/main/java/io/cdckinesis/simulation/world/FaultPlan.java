package io.cdckinesis.simulation.world;

import io.cdckinesis.local.sim.FaultHooks;
import io.cdckinesis.local.sim.SimulatedCall;
import io.cdckinesis.simulation.Fault;
import io.cdckinesis.simulation.FaultMix;
import io.cdckinesis.simulation.aws.SimS3;
import io.cdckinesis.simulation.aws.SimulatedServices;
import io.cdckinesis.simulation.sched.Actor;
import io.cdckinesis.simulation.sched.Scheduler;
import java.time.Duration;
import java.util.Random;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.kinesis.model.InternalFailureException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * Turns a {@link FaultMix} into decisions, drawn from the run's seeded random at the moment each
 * opportunity comes (a yield point, a call, an entry, a download): crashes and stalls of
 * invocations, S3 and Kinesis errors, broken downloads. Also the latency of every simulated call.
 * Counts what it injected.
 */
public final class FaultPlan
    implements Scheduler.YieldFaults,
        SimulatedServices.CallFaults,
        SimulatedServices.Latency,
        SimS3.BodyHooks,
        FaultHooks {

  /** Actor name prefixes of the three kinds of invocation. */
  public static final String PRODUCER = "producer";

  public static final String CONSUMER = "consumer";
  public static final String SWEEP = "sweep";

  private final Scheduler scheduler;
  private final FaultMix mix;
  private final Random random;
  private long crashes;
  private long stalls;
  private long s3Errors;
  private long lostAnswers;
  private long brokenDownloads;
  private long kinesisErrors;

  public FaultPlan(Scheduler scheduler, FaultMix mix) {
    this.scheduler = scheduler;
    this.mix = mix;
    this.random = scheduler.random();
  }

  // ---- invocations ---------------------------------------------------------------------------

  @Override
  public Scheduler.YieldFault at(Actor actor, String label) {
    Fault crash = actor.name().startsWith(CONSUMER) ? Fault.CONSUMER_CRASH : Fault.PRODUCER_CRASH;
    if (mix.has(crash) && random.nextDouble() < mix.p(crash)) {
      crashes++;
      return Scheduler.YieldFault.crashHere();
    }
    if (!actor.name().startsWith(CONSUMER)
        && mix.has(Fault.STALL)
        && random.nextDouble() < mix.p(Fault.STALL)) {
      stalls++;
      return Scheduler.YieldFault.stallFor(Duration.ofSeconds(30 + random.nextInt(210)));
    }
    return null;
  }

  // ---- latency -------------------------------------------------------------------------------

  @Override
  public Duration of(String service, String operation) {
    int ms =
        switch (operation) {
          case "GetObject", "HeadObject", "DeleteObject" -> 8 + random.nextInt(30);
          case "PutObject" -> 15 + random.nextInt(45);
          case "ListObjectsV2" -> 15 + random.nextInt(60);
          default -> 5 + random.nextInt(30);
        };
    return Duration.ofMillis(ms);
  }

  /** Latency of a Kinesis call. */
  public Duration kinesisLatency(SimulatedCall call) {
    return Duration.ofMillis(
        call.operation().equals("PutRecords") ? 10 + random.nextInt(40) : 4 + random.nextInt(16));
  }

  /** Latency of a call to the consumer's target database or the position table. */
  public Duration databaseLatency() {
    return Duration.ofMillis(2 + random.nextInt(8));
  }

  // ---- S3 ------------------------------------------------------------------------------------

  @Override
  public RuntimeException before(String service, String operation, String target) {
    if (mix.has(Fault.S3_ERROR) && random.nextDouble() < mix.p(Fault.S3_ERROR)) {
      s3Errors++;
      return switch (random.nextInt(3)) {
        case 0 -> SimS3.error(500, "InternalError", "We encountered an internal error");
        case 1 -> SimS3.error(503, "SlowDown", "Please reduce your request rate");
        default -> SimS3.error(503, "ServiceUnavailable", "Service is unable to handle request");
      };
    }
    return null;
  }

  @Override
  public RuntimeException after(String service, String operation, String target) {
    if (mix.has(Fault.S3_LOST_ANSWER) && random.nextDouble() < mix.p(Fault.S3_LOST_ANSWER)) {
      lostAnswers++;
      return SimS3.error(500, "InternalError", "We encountered an internal error");
    }
    return null;
  }

  @Override
  public void beforeRead(String bucket, String key, long offset) {
    Scheduler.pause("S3 read s3://" + bucket + "/" + key + " @" + offset, Duration.ofMillis(1));
  }

  @Override
  public long breakAt(String bucket, String key, long length) {
    if (Scheduler.current() != null
        && length > 1
        && mix.has(Fault.BROKEN_DOWNLOAD)
        && random.nextDouble() < mix.p(Fault.BROKEN_DOWNLOAD)) {
      brokenDownloads++;
      return 1 + random.nextInt((int) Math.min(Integer.MAX_VALUE, length - 1));
    }
    return -1;
  }

  // ---- Kinesis -------------------------------------------------------------------------------

  @Override
  public RuntimeException failCall(SimulatedCall call) {
    if (Scheduler.current() == null) {
      return null; // the world's own calls (creating the stream) do not fail
    }
    if (mix.has(Fault.KINESIS_CALL_ERROR)
        && random.nextDouble() < mix.p(Fault.KINESIS_CALL_ERROR)) {
      kinesisErrors++;
      return InternalFailureException.builder()
          .statusCode(500)
          .awsErrorDetails(
              AwsErrorDetails.builder()
                  .errorCode("InternalFailure")
                  .errorMessage("simulated")
                  .serviceName("Kinesis")
                  .build())
          .message("simulated internal failure")
          .build();
    }
    return null;
  }

  @Override
  public String failEntry(SimulatedCall call, int index, PutRecordsRequestEntry entry) {
    if (Scheduler.current() == null) {
      return null;
    }
    if (mix.has(Fault.KINESIS_PARTIAL_FAILURE)
        && random.nextDouble() < mix.p(Fault.KINESIS_PARTIAL_FAILURE)) {
      kinesisErrors++;
      return "InternalFailure";
    }
    return null;
  }

  @Override
  public boolean timeOutAfterWrite(SimulatedCall call) {
    if (Scheduler.current() != null
        && call.operation().startsWith("PutRecord")
        && mix.has(Fault.KINESIS_TIMEOUT_AFTER_WRITE)
        && random.nextDouble() < mix.p(Fault.KINESIS_TIMEOUT_AFTER_WRITE)) {
      kinesisErrors++;
      return true;
    }
    return false;
  }

  /** What was injected, for the report. */
  public String counts() {
    return "crashes "
        + crashes
        + ", stalls "
        + stalls
        + ", S3 errors "
        + s3Errors
        + ", lost S3 answers "
        + lostAnswers
        + ", broken downloads "
        + brokenDownloads
        + ", Kinesis faults "
        + kinesisErrors;
  }

  public long crashes() {
    return crashes;
  }
}
