package io.cdckinesis.simulation;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.EnvelopeCodec;
import io.cdckinesis.core.SourcePosition;
import io.cdckinesis.core.spi.PayloadStore;
import io.cdckinesis.kinesis.KinesisChangeSink;
import io.cdckinesis.kinesis.KinesisSinkConfig;
import io.cdckinesis.lambda.AppliedPositionStore;
import io.cdckinesis.lambda.ChangeConsumer;
import io.cdckinesis.lambda.DmsObjectProducer;
import io.cdckinesis.lambda.EmfMetrics;
import io.cdckinesis.lambda.InMemoryAppliedPositionStore;
import io.cdckinesis.lambda.KinesisChangeHandler;
import io.cdckinesis.lambda.S3DeadLetterSink;
import io.cdckinesis.lambda.S3ToKinesisHandler;
import io.cdckinesis.lambda.TableHandler;
import io.cdckinesis.lambda.TableHandlers;
import io.cdckinesis.s3.S3CheckpointStore;
import io.cdckinesis.s3.S3Listing;
import io.cdckinesis.s3.S3Location;
import io.cdckinesis.s3.S3ObjectSource;
import io.cdckinesis.s3.S3PayloadStore;
import io.cdckinesis.s3.S3RejectSink;
import io.cdckinesis.simulation.world.PositionTable;
import io.cdckinesis.simulation.world.TargetDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The one place that knows today's engine: how the simulation builds and invokes the producer
 * ({@link S3ToKinesisHandler} over a {@link DmsObjectProducer}) and the consumer ({@link
 * KinesisChangeHandler} over a {@link ChangeConsumer}) of {@code cdc-lambda-adapters}, on the
 * simulated platform. Everything else in the simulation (scenarios, faults, checks) talks to the
 * {@link SystemUnderTest} interface. To simulate a new engine, write a class like this one for it
 * and pass its constructor to {@link Simulation#run}.
 *
 * <p>Wiring choices, and why:
 *
 * <ul>
 *   <li>The functions are assembled here rather than through {@code CdcFunctions}, which does not
 *       take a clock, a sleeper or the order poll interval the simulation must inject.
 *   <li>The order poll interval is zero: {@code ChangeFileSequencer} waits for its table's turn
 *       with {@code Thread.sleep}, which would stop virtual time; with zero it polls through its S3
 *       calls (each a yield point) instead.
 *   <li>The sink draws its jitter from the run's seeded random and sends its PutRecords calls on
 *       the invocation's own thread (an inline executor), one at a time: its default daemon threads
 *       would run calls outside the scheduler.
 *   <li>The consumer keeps its applied positions in the durable {@link PositionTable} (a stand-in
 *       for a DynamoDB store), so that a new container does not forget what was applied, unless the
 *       scenario asks for today's default in-memory store; its table handler writes to the {@link
 *       TargetDatabase}.
 * </ul>
 */
public final class LambdaAdaptersPipeline implements SystemUnderTest {

  /** The checkpoint prefix, under a lifecycle rule as docs/s3.md recommends. */
  static final String CHECKPOINTS = "_cdc/checkpoints/";

  private final SimPlatform p;
  private final EnvelopeCodec codec;
  private final PayloadStore payloads;
  private final KinesisSinkConfig sinkConfig;

  public LambdaAdaptersPipeline(SimPlatform platform) {
    this.p = platform;
    this.codec = EnvelopeCodec.withTables(platform.tables());
    this.payloads =
        S3PayloadStore.builder()
            .client(platform.s3())
            .location(S3Location.of(platform.stateBucket(), "_cdc/oversize/"))
            .build();
    this.sinkConfig =
        KinesisSinkConfig.builder()
            .maxBatchRecords(platform.tuning().maxBatchRecords())
            .aggregation(platform.tuning().aggregate())
            .build();
  }

  @Override
  public void produce(S3Event event, Context context) {
    PipelineTuning t = p.tuning();
    DmsObjectProducer producer =
        DmsObjectProducer.builder()
            .settings(p.settings())
            .tables(p.tables())
            .source(S3ObjectSource.builder().client(p.s3()).build())
            .listing(new S3Listing(p.s3()))
            .checkpoints(
                S3CheckpointStore.builder()
                    .client(p.s3())
                    .location(S3Location.of(p.stateBucket(), CHECKPOINTS))
                    .build())
            .sinks(
                () ->
                    KinesisChangeSink.builder()
                        .client(p.kinesis())
                        .streamName(p.streamName())
                        .codec(codec)
                        .config(sinkConfig)
                        .payloadStore(payloads)
                        .clock(p.clock())
                        .sleeper(p.sleeper())
                        .random(p.random())
                        .executor(Runnable::run)
                        .build())
            .rejectSinks(
                (ref, owner) ->
                    S3RejectSink.builder()
                        .client(p.s3())
                        .location(S3Location.of(p.stateBucket(), "_cdc/rejects/"))
                        .runId(owner)
                        .build())
            .checkpointEveryRows(t.checkpointEveryRows())
            .lease(t.lease())
            .timeReserve(t.timeReserve())
            .pollInterval(Duration.ZERO)
            .clock(p.clock())
            .build();
    new S3ToKinesisHandler(
            producer, ctx -> objects -> p.selfInvoke().invoke(objects), EmfMetrics.to(doc -> {}))
        .handleRequest(event, context);
  }

  @Override
  public ConsumerFunction newConsumerContainer() {
    ChangeConsumer consumer =
        ChangeConsumer.builder()
            .handlers(TableHandlers.builder().defaultHandler(new TargetHandler(p.target())).build())
            .codec(codec)
            .payloadStore(payloads)
            .deadLetters(new S3DeadLetterSink(p.s3(), p.stateBucket(), "_cdc/dead-letter/"))
            .appliedPositions(
                p.tuning().durablePositions()
                    ? new DurablePositions(p.positions())
                    : new InMemoryAppliedPositionStore())
            .clock(p.clock())
            .build();
    return new KinesisChangeHandler(consumer, EmfMetrics.to(doc -> {}))::handleRequest;
  }

  @Override
  public List<String> expiringStatePrefixes() {
    return List.of(CHECKPOINTS);
  }

  /** A plain table handler writing every change to the target database. */
  private static final class TargetHandler extends TableHandler {
    private final TargetDatabase target;

    TargetHandler(TargetDatabase target) {
      this.target = target;
    }

    @Override
    public void handle(ChangeRecord record) {
      target.apply(record);
    }
  }

  /** The consumer's applied positions in the durable position table. */
  private static final class DurablePositions implements AppliedPositionStore {
    private final PositionTable table;

    DurablePositions(PositionTable table) {
      this.table = table;
    }

    @Override
    public Optional<SourcePosition> lastApplied(String key) {
      return table.get(key);
    }

    @Override
    public void markApplied(String key, SourcePosition position) {
      table.putIfNewer(key, position);
    }
  }
}
