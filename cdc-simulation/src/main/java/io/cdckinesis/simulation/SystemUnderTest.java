package io.cdckinesis.simulation;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The pipeline as the simulation drives it: the entry points a deployment has (the producer
 * function, an optional periodic sweep, the consumer function), built from a {@link SimPlatform}.
 * Scenarios and checks know nothing else about the engines; rewiring the simulation to a new engine
 * means writing one implementation of this interface (see {@link DeployedPipeline}).
 */
public interface SystemUnderTest {

  /** The function name of the producer, as its invocations' contexts give it. */
  String PRODUCER_FUNCTION = "producer";

  /** The function name of the sweep, as its invocations' contexts give it. */
  String SWEEP_FUNCTION = "sweep";

  /**
   * One invocation of the producer function for an S3 event (a notification, a continuation, a
   * redrive). Throwing fails the invocation, and Lambda retries it.
   */
  void produce(S3Event event, Context context);

  /** How often the engine's sweep runs (an EventBridge schedule), or empty when it has none. */
  default Optional<Duration> sweepEvery() {
    return Optional.empty();
  }

  /**
   * One invocation of the sweep function (the schedule's, or a continuation of a sweep); throwing
   * fails it, and Lambda retries it as any asynchronous invocation.
   *
   * @return whether it found pending work under another run's live lease (the world is not settled
   *     until that lease is released or expires and a later sweep finds nothing)
   */
  default boolean sweep(Context context) {
    throw new UnsupportedOperationException("this engine has no sweep");
  }

  /** A cold consumer container: new handler objects with empty memory. */
  ConsumerFunction newConsumerContainer();

  /**
   * Where the engine keeps what it knows about a table folder of the DMS bucket: key prefixes of
   * the state bucket, which an operator may delete ({@link Action#DELETE_STATE}); empty when it
   * keeps nothing per table.
   */
  default List<String> tableStatePrefixes(String dmsBucket, String tableFolder) {
    return List.of();
  }

  /** The consumer function of one container. */
  @FunctionalInterface
  interface ConsumerFunction {
    StreamsEventResponse handle(KinesisEvent event, Context context);
  }
}
