package io.cdckinesis.simulation;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import io.cdckinesis.local.sim.ManualClock;
import io.cdckinesis.local.sim.SimulatedKinesis;
import io.cdckinesis.local.sim.SimulatedLimits;
import io.cdckinesis.s3.S3ObjectRef;
import io.cdckinesis.simulation.aws.SimContext;
import io.cdckinesis.simulation.aws.SimS3;
import io.cdckinesis.simulation.aws.SimulatedServices;
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

  /** Runs today's pipeline ({@link LambdaAdaptersPipeline}) on the scenario of a seed. */
  public static SimulationResult run(Profile profile, long seed) {
    return run(profile.scenario(seed), LambdaAdaptersPipeline::new);
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

    TargetDatabase target = new TargetDatabase(plan::databaseLatency);
    PositionTable positions = new PositionTable(plan::databaseLatency);
    SystemUnderTest[] sut = new SystemUnderTest[1];
    AsyncFunction<S3Event> producer =
        new AsyncFunction<>(
            scheduler,
            FaultPlan.PRODUCER,
            scenario.tuning().producerTimeout(),
            (event, context) -> sut[0].produce(event, context),
            scenario.redriveFailedEvents() ? Duration.ofMinutes(30) : null);
    long[] continuations = new long[2];
    SimPlatform.SelfInvoke selfInvoke =
        objects -> {
          Scheduler.pause("Lambda Invoke (continuation)", plan.databaseLatency());
          Scheduler.checkAlive();
          continuations[0]++;
          if (scheduler.random().nextDouble() < scenario.faults().p(Fault.CONTINUATION_LOST)) {
            continuations[1]++;
            scheduler.note("lambda", "LOST continuation " + objects.get(0).uri());
            return;
          }
          List<SimS3.Created> refs = new ArrayList<>();
          for (S3ObjectRef o : objects) {
            refs.add(new SimS3.Created(o.bucket(), o.key(), null, 0, "0"));
          }
          producer.invoke(
              NotificationDelivery.event(refs),
              Duration.ofMillis(50 + scheduler.random().nextInt(500)),
              "continuation " + objects.get(0).uri());
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
    dms.expireStateUnder(sut[0].expiringStatePrefixes());

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
    Sweeps sweeps =
        new Sweeps(scheduler, sut[0], scenario.tuning().producerTimeout(), kinesis, producer);
    sweeps.start();

    scheduler.idleWhen(
        () -> dms.scriptDone() && !producer.busy() && esm.caughtUp() && sweeps.settled());
    Scheduler.End end = scheduler.run();

    List<String> violations =
        Checks.run(end, scheduler.endDetail(), dms, target, kinesis, STREAM, platform.tables());
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
    stats.put("changes applied", target.applied());
    stats.put("sweeps", sweeps.count);
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

  /** The engine's periodic sweep, when it has one, and when the world has settled under it. */
  private static final class Sweeps {
    private final Scheduler scheduler;
    private final SystemUnderTest sut;
    private final Duration timeout;
    private final SimulatedKinesis kinesis;
    private final AsyncFunction<S3Event> producer;
    private boolean running;
    private int quiet;
    private long lastSignature = -1;
    private long count;

    Sweeps(
        Scheduler scheduler,
        SystemUnderTest sut,
        Duration timeout,
        SimulatedKinesis kinesis,
        AsyncFunction<S3Event> producer) {
      this.scheduler = scheduler;
      this.sut = sut;
      this.timeout = timeout;
      this.kinesis = kinesis;
      this.producer = producer;
    }

    void start() {
      sut.sweepEvery()
          .ifPresent(every -> scheduler.at(every, "sweep timer", true, () -> tick(every)));
    }

    private void tick(Duration every) {
      scheduler.at(every, "sweep timer", true, () -> tick(every));
      if (running) {
        return;
      }
      running = true;
      count++;
      String name = FaultPlan.SWEEP + "-" + count;
      scheduler.spawn(
          name,
          Duration.ZERO,
          true,
          timeout,
          self -> {
            sut.sweep(new SimContext(name, "cdc-sweep", scheduler.clock(), self.deadline()));
            return null;
          },
          outcome -> {
            running = false;
            long signature = kinesis.records(STREAM).size() * 1_000_003L + producer.invocations();
            quiet = outcome.succeeded() && signature == lastSignature ? quiet + 1 : 0;
            lastSignature = signature;
          });
    }

    /** True without a sweep; with one, after two sweeps in a row found nothing to do. */
    boolean settled() {
      return sut.sweepEvery().isEmpty() || quiet >= 2;
    }
  }
}
