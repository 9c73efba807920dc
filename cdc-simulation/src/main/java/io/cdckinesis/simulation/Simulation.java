package io.cdckinesis.simulation;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import io.cdckinesis.local.sim.ManualClock;
import io.cdckinesis.local.sim.SimulatedKinesis;
import io.cdckinesis.local.sim.SimulatedLimits;
import io.cdckinesis.s3.S3ObjectRef;
import io.cdckinesis.simulation.aws.SimS3;
import io.cdckinesis.simulation.aws.SimulatedServices;
import io.cdckinesis.simulation.sched.Actor;
import io.cdckinesis.simulation.sched.Scheduler;
import io.cdckinesis.simulation.world.AsyncFunction;
import io.cdckinesis.simulation.world.DmsWorld;
import io.cdckinesis.simulation.world.EventSourceMapping;
import io.cdckinesis.simulation.world.FaultPlan;
import io.cdckinesis.simulation.world.NotificationDelivery;
import io.cdckinesis.simulation.world.PositionTable;
import io.cdckinesis.simulation.world.TargetDatabase;
import io.github.resilience4j.retry.internal.RetryImpl;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Runs one schedule: builds the simulated world for a {@link Scenario} (S3, Kinesis, the source
 * database and DMS, S3 notifications, the Lambda models, the consumer's target), wires the system
 * under test onto it, runs the {@link Scheduler} until the world is quiet or a budget is spent, and
 * checks the outcome ({@link Checks}).
 */
public final class Simulation {

  /** Where virtual time starts (the demo's source clock starts there too). */
  public static final Instant START = Instant.parse("2026-11-24T08:00:00Z");

  static final String DMS_BUCKET = "dms-output";
  static final String STATE_BUCKET = "cdc-state";
  static final String STREAM = "cdc-changes";

  /** How long one run may take in steps, virtual time and real time without a yield. */
  public static final Scheduler.Limits LIMITS =
      new Scheduler.Limits(400_000, Duration.ofHours(6), Duration.ofMinutes(2));

  static {
    // resilience4j's Retry sleeps with Thread.sleep, and its jittered waits draw from
    // Math.random(): inside the simulation, wait a seeded duration of virtual time instead.
    RetryImpl.setSleepFunction(
        millis -> {
          if (Scheduler.current() == null) {
            Thread.sleep(millis);
          } else {
            Scheduler.pause(
                "resilience4j retry wait",
                Duration.ofMillis(50 + Scheduler.current().scheduler().random().nextInt(950)));
          }
        });
  }

  private Simulation() {}

  /** Runs the deployed pipeline ({@link DeployedPipeline}) on the scenario of a seed. */
  public static SimulationResult run(Profile profile, long seed) {
    return run(profile.scenario(seed), DeployedPipeline::new);
  }

  /** Runs a system under test on a scenario. */
  public static SimulationResult run(
      Scenario scenario, Function<SimPlatform, SystemUnderTest> systemUnderTest) {
    return run(scenario, systemUnderTest, LIMITS);
  }

  /** Runs a system under test on a scenario within other budgets. */
  public static SimulationResult run(
      Scenario scenario,
      Function<SimPlatform, SystemUnderTest> systemUnderTest,
      Scheduler.Limits limits) {
    long began = System.nanoTime();
    ManualClock clock = new ManualClock(START);
    Scheduler scheduler = new Scheduler(clock, scenario.seed() * 0x9E3779B97F4A7C15L + 1, limits);
    FaultPlan plan = new FaultPlan(scheduler, scenario.faults());
    scheduler.faults(plan);

    SimS3 s3 = new SimS3(clock);
    s3.createBucket(DMS_BUCKET);
    s3.createBucket(STATE_BUCKET);
    s3.bodyHooks(plan);

    String[] kinesisOperation = {"call"};
    SimulatedLimits shardLimits = SimulatedLimits.kinesis();
    if (scenario.faults().has(Fault.KINESIS_THROTTLE)) {
      int perSecond = 2 + (int) (20 * (1 - scenario.faults().p(Fault.KINESIS_THROTTLE)));
      shardLimits = shardLimits.withShardLimits(64 * 1024, perSecond);
    }
    SimulatedKinesis kinesis =
        SimulatedKinesis.builder()
            .clock(clock)
            .latency(
                call -> {
                  kinesisOperation[0] = call.operation();
                  return plan.kinesisLatency(call);
                })
            .waiter(d -> Scheduler.pause("Kinesis " + kinesisOperation[0], d))
            .faults(plan)
            .limits(shardLimits)
            .build();
    kinesis.createStream(STREAM, scenario.shards());

    PositionTable positions = new PositionTable(plan::databaseLatency);
    TargetDatabase target =
        new TargetDatabase(
            plan::databaseLatency,
            scenario.tuning().durablePositions() ? positions::holds : (key, p) -> false);
    SystemUnderTest[] sut = new SystemUnderTest[1];
    Duration redrive = scenario.redriveFailedEvents() ? Duration.ofMinutes(30) : null;
    AsyncFunction<S3Event> producer =
        new AsyncFunction<>(
            scheduler,
            SystemUnderTest.PRODUCER_FUNCTION,
            scenario.tuning().producerTimeout(),
            (event, context) -> sut[0].produce(event, context),
            redrive);
    boolean[] heldElsewhere = new boolean[1];
    AsyncFunction<S3Event> sweep =
        new AsyncFunction<>(
            scheduler,
            SystemUnderTest.SWEEP_FUNCTION,
            scenario.tuning().producerTimeout(),
            (event, context) -> {
              if (sut[0].sweep(context)) {
                heldElsewhere[0] = true;
              }
            },
            null);
    long[] continuations = new long[2];
    SimPlatform.SelfInvoke selfInvoke =
        (function, uris) -> {
          Scheduler.pause("Lambda Invoke " + function + " (continuation)", plan.databaseLatency());
          Scheduler.checkAlive();
          continuations[0]++;
          String first = uris.isEmpty() ? "(nothing)" : uris.get(0);
          if (scheduler.random().nextDouble() < scenario.faults().p(Fault.CONTINUATION_LOST)) {
            continuations[1]++;
            scheduler.note("lambda", "LOST continuation of " + function + " " + first);
            return;
          }
          List<SimS3.ObjectEvent> refs = new ArrayList<>();
          for (String uri : uris) {
            S3ObjectRef o = S3ObjectRef.parse(uri);
            refs.add(SimS3.ObjectEvent.created(o.bucket(), o.key()));
          }
          AsyncFunction<S3Event> invoked =
              SystemUnderTest.SWEEP_FUNCTION.equals(function) ? sweep : producer;
          invoked.invoke(
              NotificationDelivery.event(refs),
              Duration.ofMillis(50 + scheduler.random().nextInt(500)),
              "continuation " + first);
        };
    DmsWorld dms = new DmsWorld(scheduler, scenario, s3, DMS_BUCKET, kinesis, STREAM, STATE_BUCKET);
    SimPlatform platform =
        new SimPlatform(
            SimulatedServices.s3(
                s3, plan, plan, SimulatedServices.SdkRetries.standard(), scheduler),
            kinesis,
            clock,
            d -> Scheduler.pause("sleep", d),
            scheduler.random(),
            DMS_BUCKET,
            STATE_BUCKET,
            STREAM,
            scenario.settings(),
            dms.source().definitions(),
            scenario.tuning(),
            selfInvoke,
            positions,
            target);
    sut[0] = systemUnderTest.apply(platform);
    dms.stateOfTables(sut[0]::tableStatePrefixes);

    new NotificationDelivery(scheduler, scenario.faults(), producer).subscribe(s3, DMS_BUCKET);
    dms.start();
    EventSourceMapping esm =
        new EventSourceMapping(
            scheduler,
            kinesis,
            STREAM,
            scenario.tuning().consumerBatchSize(),
            scenario.tuning().consumerTimeout(),
            scenario.faults(),
            sut[0]::newConsumerContainer);
    esm.start(scenario.consumerDelay());
    Sweeps sweeps = new Sweeps(scheduler, sut[0], sweep, s3, kinesis, producer, heldElsewhere);
    sweeps.start();

    scheduler.idleWhen(
        () -> dms.scriptDone() && !producer.busy() && esm.caughtUp() && sweeps.settled());
    Scheduler.End end = scheduler.run();

    List<String> violations =
        Checks.run(end, scheduler.endDetail(), dms, target, kinesis, STREAM, platform.tables(), s3);
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("virtual time", scheduler.elapsed());
    stats.put(
        "steps",
        scheduler.steps()
            + " ("
            + scheduler.switches()
            + " thread switches, "
            + scheduler.threads()
            + " threads)");
    stats.put("producer events", producer.events());
    stats.put("producer invocations", producer.invocations());
    stats.put("producer retries", producer.retries());
    stats.put("events dropped", producer.dropped().size());
    stats.put("events redriven", producer.redriven());
    stats.put("continuations", continuations[0] + " (lost " + continuations[1] + ")");
    stats.put("records on stream", kinesis.records(STREAM).size());
    stats.put("consumer invocations", esm.invocations() + " (cold " + esm.coldStarts() + ")");
    stats.put("consumer retries", esm.retries());
    stats.put(
        "changes applied",
        target.applied()
            + " (re-applied after a crash before the position was recorded: "
            + target.reapplied()
            + ")");
    stats.put("sweeps", sweep.invocations() + " (retries " + sweep.retries() + ")");
    stats.put("table resets applied", target.resets());
    stats.put("injected", plan.counts());
    return new SimulationResult(
        scenario,
        end,
        violations,
        scheduler.trace().hash(),
        scheduler.trace().tail(),
        scheduler.steps(),
        stats,
        Duration.ofNanos(System.nanoTime() - began));
  }

  /**
   * The engine's periodic sweep, when it has one (an EventBridge schedule invoking the sweep
   * function asynchronously, whether or not the last sweep is still running), and when the world
   * has settled under it.
   */
  private static final class Sweeps {
    private final Scheduler scheduler;
    private final SystemUnderTest sut;
    private final AsyncFunction<S3Event> function;
    private final SimS3 s3;
    private final SimulatedKinesis kinesis;
    private final AsyncFunction<S3Event> producer;
    private final boolean[] heldElsewhere;
    private int quiet;
    private long lastSignature = -1;

    Sweeps(
        Scheduler scheduler,
        SystemUnderTest sut,
        AsyncFunction<S3Event> function,
        SimS3 s3,
        SimulatedKinesis kinesis,
        AsyncFunction<S3Event> producer,
        boolean[] heldElsewhere) {
      this.heldElsewhere = heldElsewhere;
      this.scheduler = scheduler;
      this.sut = sut;
      this.function = function;
      this.s3 = s3;
      this.kinesis = kinesis;
      this.producer = producer;
    }

    void start() {
      function.onOutcome(this::ended);
      sut.sweepEvery()
          .ifPresent(every -> scheduler.at(every, "sweep timer", true, () -> tick(every)));
    }

    private void tick(Duration every) {
      scheduler.at(every, "sweep timer", true, () -> tick(every));
      function.invoke(NotificationDelivery.event(List.of()), Duration.ZERO, "schedule");
    }

    /**
     * A sweep found nothing to do when it changed nothing (no write to S3 or the stream) and left
     * nothing pending under another run's lease (a crashed holder's lease has yet to expire).
     */
    private void ended(Actor.Outcome outcome) {
      long signature = signature();
      boolean waiting = heldElsewhere[0];
      heldElsewhere[0] = false;
      quiet = outcome.succeeded() && !waiting && signature == lastSignature ? quiet + 1 : 0;
      lastSignature = signature;
    }

    private long signature() {
      return s3.mutations() * 1_000_003L
          + kinesis.records(STREAM).size() * 1_009L
          + producer.invocations();
    }

    /**
     * True without a sweep; with one, after two sweeps in a row found nothing to do and nothing
     * changed since the last of them (DMS may have written files after two idle sweeps).
     */
    boolean settled() {
      return sut.sweepEvery().isEmpty()
          || (quiet >= 2 && !function.busy() && signature() == lastSignature);
    }
  }
}
