package io.cdckinesis.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.cdckinesis.core.ConfigurationException;
import io.cdckinesis.core.spi.ContinuationInvoker;
import io.cdckinesis.lambda.internal.CdcFunctions;
import io.cdckinesis.lambda.internal.FunctionClients;
import io.cdckinesis.lambda.internal.InvocationLogContext;
import io.cdckinesis.lambda.internal.Priming;
import io.cdckinesis.lambda.internal.SelfInvokingContinuation;
import io.cdckinesis.pipeline.ProducerEngine;
import io.cdckinesis.pipeline.ProducerResult;
import io.cdckinesis.pipeline.RunContext;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The producer's sweep, run on a schedule (an EventBridge rule in the template): lists the DMS
 * bucket's tables and sends what any of them has pending, so that a lost S3 event, a lost
 * continuation, a crashed run or an event Lambda gave up on heals within one sweep period. The
 * input is ignored (any scheduled event).
 *
 * <p>Handler: {@code io.cdckinesis.lambda.SweepHandler::handleRequest}, with the producer's
 * configuration plus {@code CDC_DMS_BUCKET}. When time runs low it invokes itself again, and that
 * sweep goes on with what is still pending.
 */
public class SweepHandler implements RequestHandler<Map<String, Object>, ProducerResult> {

  private final ProducerEngine engine;
  private final String bucket;
  private final Function<Context, ContinuationInvoker> continuations;
  private final EmfMetrics metrics;
  private final Priming priming; // held here: the CRaC context keeps resources weakly

  /** Builds everything from the environment; the constructor Lambda calls. */
  public SweepHandler() {
    FunctionEnvironment env = FunctionEnvironment.fromSystem().requireProducer();
    if (env.dmsBucket() == null) {
      throw new ConfigurationException(
          FunctionEnvironment.DMS_BUCKET + " is required by the sweep: the bucket DMS writes to");
    }
    FunctionClients clients = FunctionClients.shared();
    this.engine = CdcFunctions.producer(env, clients.s3(), clients.kinesis(), m -> {});
    this.bucket = env.dmsBucket();
    this.continuations = context -> new SelfInvokingContinuation(clients.lambda(), context);
    this.metrics = new EmfMetrics();
    this.priming = Priming.producer("sweep", env, clients);
  }

  /** Uses parts built elsewhere (tests, the demo). */
  public SweepHandler(
      ProducerEngine engine,
      String bucket,
      Function<Context, ContinuationInvoker> continuations,
      EmfMetrics metrics) {
    this.engine = Objects.requireNonNull(engine, "engine");
    this.bucket = Objects.requireNonNull(bucket, "bucket");
    this.continuations = Objects.requireNonNull(continuations, "continuations");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.priming = null;
  }

  @Override
  public ProducerResult handleRequest(Map<String, Object> input, Context context) {
    try (InvocationLogContext ignored = InvocationLogContext.open(context)) {
      return sweep(context);
    }
  }

  private ProducerResult sweep(Context context) {
    RunContext run =
        new RunContext(
            S3ToKinesisHandler.requestId(context),
            () -> S3ToKinesisHandler.remainingMillis(context),
            continuations.apply(context));
    ProducerResult result = engine.sweep(bucket, run);
    metrics.emit(KinesisChangeHandler.functionName(context), S3ToKinesisHandler.counts(result));
    return result;
  }

  /** The SnapStart priming registered for this function, or null when its parts were given. */
  Priming priming() {
    return priming;
  }
}
