package io.cdckinesis.simulation;

import io.cdckinesis.core.DmsCsvSettings;
import io.cdckinesis.core.TableDefinitions;
import io.cdckinesis.kinesis.Sleeper;
import io.cdckinesis.simulation.world.PositionTable;
import io.cdckinesis.simulation.world.TargetDatabase;
import java.time.Clock;
import java.util.List;
import java.util.random.RandomGenerator;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What the simulation gives the system under test: clients of the simulated services (every call a
 * yield point, with latency and faults), virtual time, the deployment's settings, and the world
 * outside the pipeline that it talks to.
 *
 * @param s3 S3, as the functions' S3 client sees it
 * @param kinesis Kinesis, as the functions' Kinesis client sees it
 * @param clock the virtual clock
 * @param sleeper sleeps in virtual time (a yield point)
 * @param random the run's seeded random, for whatever the engine randomizes (backoff jitter); draw
 *     from it only on actor threads
 * @param dmsBucket where DMS writes
 * @param stateBucket the pipeline's own bucket (checkpoints, rejects, oversize rows, dead letters)
 * @param streamName the Kinesis stream
 * @param settings the DMS endpoint's CSV settings
 * @param tables the table definitions the deployment is configured with
 * @param tuning timeouts, lease, batch sizes, aggregation
 * @param selfInvoke queues an asynchronous invocation of a function (by its name, as the invoking
 *     context gives it) with an S3 event for these objects (the Lambda Invoke API with
 *     InvocationType=Event); a yield point
 * @param positions the consumer's durable position table (DynamoDB-like), surviving containers
 * @param target the consumer's target database, where table handlers write
 */
public record SimPlatform(
    S3Client s3,
    KinesisClient kinesis,
    Clock clock,
    Sleeper sleeper,
    RandomGenerator random,
    String dmsBucket,
    String stateBucket,
    String streamName,
    DmsCsvSettings settings,
    TableDefinitions tables,
    PipelineTuning tuning,
    SelfInvoke selfInvoke,
    PositionTable positions,
    TargetDatabase target) {

  /** A function invoking itself asynchronously (a continuation). */
  @FunctionalInterface
  public interface SelfInvoke {
    /**
     * @param functionName the function to invoke ({@link SystemUnderTest#PRODUCER_FUNCTION} or
     *     {@link SystemUnderTest#SWEEP_FUNCTION})
     * @param objectUris the objects the S3 event names
     */
    void invoke(String functionName, List<String> objectUris);
  }
}
