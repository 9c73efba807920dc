package io.cdckinesis.simulation;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import io.cdckinesis.core.EnvelopeCodec;
import io.cdckinesis.core.spi.AppliedPositionStore;
import io.cdckinesis.core.spi.ChangeInput;
import io.cdckinesis.core.spi.ContinuationInvoker;
import io.cdckinesis.core.spi.PayloadStore;
import io.cdckinesis.core.spi.TableHandler;
import io.cdckinesis.core.spi.TableHandlers;
import io.cdckinesis.core.spi.TruncateInput;
import io.cdckinesis.kinesis.KinesisChangeSink;
import io.cdckinesis.kinesis.KinesisSinkConfig;
import io.cdckinesis.lambda.EmfMetrics;
import io.cdckinesis.lambda.KinesisChangeHandler;
import io.cdckinesis.lambda.S3ToKinesisHandler;
import io.cdckinesis.lambda.SweepHandler;
import io.cdckinesis.pipeline.ObjectOutcome;
import io.cdckinesis.pipeline.ProducerEngine;
import io.cdckinesis.pipeline.consumer.ChangeConsumer;
import io.cdckinesis.pipeline.consumer.InMemoryAppliedPositionStore;
import io.cdckinesis.pipeline.consumer.KinesisShardRanges;
import io.cdckinesis.s3.S3DeadLetterSink;
import io.cdckinesis.s3.S3Location;
import io.cdckinesis.s3.S3ObjectStore;
import io.cdckinesis.s3.S3PayloadStore;
import io.cdckinesis.s3.S3RejectSink;
import io.cdckinesis.s3.S3StateStore;
import io.cdckinesis.simulation.world.TargetDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The deployed pipeline on the simulated platform: the three Lambda functions of the template,
 * built the way {@code CdcFunctions} builds them, with every source of time, randomness and threads
 * made the simulation's. This is the one class that knows the engines; scenarios, faults and checks
 * talk to {@link SystemUnderTest}.
 *
 * <ul>
 *   <li><b>Producer</b>: the real {@link S3ToKinesisHandler} (S3 events, created and removed, as
 *       hints) over a {@link ProducerEngine} with the real stores over the simulated S3 ({@link
 *       S3ObjectStore}, {@link S3StateStore} under {@value #STATE_PREFIX}, {@link S3RejectSink})
 *       and a {@link KinesisChangeSink} per run with the lease as its write fence and a time budget
 *       (as {@code CdcFunctions.producer} wires it). Lease, margin, checkpoint interval and time
 *       reserve are the production ratios of the scenario's tuning.
 *   <li><b>Sweep</b>: the real {@link SweepHandler} on the same engine, every {@link #SWEEP_EVERY}
 *       (the template's EventBridge schedule, scaled to the simulation's short leases).
 *   <li><b>Consumer</b>: per container, the real {@link KinesisChangeHandler} over a new {@link
 *       ChangeConsumer} (new handler objects, empty memory), with the durable {@code PositionTable}
 *       shared by all containers (DynamoDB with {@code CDC_POSITIONS_TABLE}), or the in-memory
 *       store per container when the scenario says so; shard ranges from ListShards; dead letters
 *       in the state bucket; a {@link Replica} table handler writing to the {@link TargetDatabase}.
 *   <li><b>Determinism</b>: the sink runs its PutRecords calls on the invocation's thread (an
 *       inline executor), draws jitter from the run's seeded random and waits and measures in
 *       virtual time; the engine, the consumer and the shard-range cache read the virtual clock;
 *       the consumer's backoffs sleep in virtual time; continuations go through the simulated
 *       Lambda Invoke API; run ids are the request ids.
 * </ul>
 */
public final class DeployedPipeline implements SystemUnderTest {

  /** Where the producer keeps table states (no lifecycle rule: the store cleans up itself). */
  static final String STATE_PREFIX = "_cdc/state/";

  /** How often the sweep runs. */
  static final Duration SWEEP_EVERY = Duration.ofMinutes(2);

  private final SimPlatform p;
  private final EnvelopeCodec codec;
  private final PayloadStore payloads;
  private final ProducerEngine engine;

  public DeployedPipeline(SimPlatform platform) {
    this.p = platform;
    this.codec = EnvelopeCodec.withTables(platform.tables());
    this.payloads =
        S3PayloadStore.builder()
            .client(platform.s3())
            .location(S3Location.of(platform.stateBucket(), "_cdc/oversize/"))
            .build();
    this.engine = engine(platform, codec, payloads);
  }

  private static ProducerEngine engine(SimPlatform p, EnvelopeCodec codec, PayloadStore payloads) {
    PipelineTuning t = p.tuning();
    KinesisSinkConfig config =
        KinesisSinkConfig.builder()
            .maxBatchRecords(t.maxBatchRecords())
            .aggregation(t.aggregate())
            .build();
    S3Location rejects = S3Location.of(p.stateBucket(), "_cdc/rejects/");
    Duration lease = t.lease();
    return ProducerEngine.builder()
        .settings(p.settings())
        .tables(p.tables())
        .objects(new S3ObjectStore(p.s3()))
        .states(
            S3StateStore.builder()
                .client(p.s3())
                .location(S3Location.of(p.stateBucket(), STATE_PREFIX))
                .build())
        .sinks(
            (fence, run) -> {
              KinesisChangeSink.Builder sink =
                  KinesisChangeSink.builder()
                      .client(p.kinesis())
                      .streamName(p.streamName())
                      .codec(codec)
                      .config(config)
                      .payloadStore(payloads)
                      .clock(p.clock())
                      .sleeper(p.sleeper())
                      .random(p.random())
                      .executor(Runnable::run)
                      .fence(fence);
              run.sendingBudget(t.timeReserve()).ifPresent(sink::timeBudget);
              return sink.build();
            })
        .rejectSinks(
            (uri, owner) ->
                S3RejectSink.builder()
                    .client(p.s3())
                    .location(rejects)
                    .runId(owner.replaceAll("[^A-Za-z0-9_-]", "-"))
                    .build())
        .checkpointEveryRows(t.checkpointEveryRows())
        .checkpointEvery(lease.dividedBy(3))
        .lease(lease, lease.dividedBy(4))
        .timeReserve(t.timeReserve())
        .clock(p.clock())
        .build();
  }

  @Override
  public void produce(S3Event event, Context context) {
    new S3ToKinesisHandler(engine, this::continuation, EmfMetrics.to(doc -> {}))
        .handleRequest(event, context);
  }

  @Override
  public Optional<Duration> sweepEvery() {
    return Optional.of(SWEEP_EVERY);
  }

  @Override
  public boolean sweep(Context context) {
    return new SweepHandler(engine, p.dmsBucket(), this::continuation, EmfMetrics.to(doc -> {}))
            .handleRequest(Map.of(), context)
            .count(ObjectOutcome.Status.PENDING_ELSEWHERE)
        > 0;
  }

  /** As {@code SelfInvokingContinuation}: the function named in the context invokes itself. */
  private ContinuationInvoker continuation(Context context) {
    return uris -> p.selfInvoke().invoke(context.getFunctionName(), uris);
  }

  @Override
  public ConsumerFunction newConsumerContainer() {
    AppliedPositionStore positions =
        p.tuning().durablePositions() ? p.positions() : new InMemoryAppliedPositionStore();
    ChangeConsumer consumer =
        ChangeConsumer.builder()
            .handlers(TableHandlers.builder().defaultHandler(new Replica(p.target())).build())
            .codec(codec)
            .payloadStore(payloads)
            .deadLetters(
                S3DeadLetterSink.builder()
                    .client(p.s3())
                    .location(S3Location.of(p.stateBucket(), DEAD_LETTERS))
                    .build())
            .appliedPositions(positions)
            .shardRanges(new KinesisShardRanges(p.kinesis(), Duration.ofSeconds(10), p.clock()))
            .sleeper(p.sleeper())
            .clock(p.clock())
            .build();
    return new KinesisChangeHandler(consumer, EmfMetrics.to(doc -> {}))::handleRequest;
  }

  /** Where the consumer puts dead letters (the checks expect none: every input is valid). */
  static final String DEAD_LETTERS = "_cdc/dead-letter/";

  @Override
  public List<String> tableStatePrefixes(String dmsBucket, String tableFolder) {
    String folder = tableFolder.endsWith("/") ? tableFolder : tableFolder + "/";
    return List.of(STATE_PREFIX + "tables/" + dmsBucket + "/" + folder);
  }

  /**
   * The user's replica as a table handler that honours load generations: changes write or delete
   * their row (tagged with the change's generation), a reset removes the rows of older generations
   * only (rows of the new one may already have come from another shard).
   */
  static final class Replica extends TableHandler {
    private final TargetDatabase target;

    Replica(TargetDatabase target) {
      this.target = target;
    }

    @Override
    public void handle(ChangeInput input) {
      target.apply(input.record());
    }

    @Override
    public void onTruncate(TruncateInput input) {
      target.removeOlderThan(input.table(), input.generation());
    }
  }
}
