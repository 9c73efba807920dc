package io.cdckinesis.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification;
import io.cdckinesis.core.spi.ContinuationInvoker;
import io.cdckinesis.lambda.internal.CdcFunctions;
import io.cdckinesis.lambda.internal.FunctionClients;
import io.cdckinesis.lambda.internal.InvocationLogContext;
import io.cdckinesis.lambda.internal.Priming;
import io.cdckinesis.lambda.internal.SelfInvokingContinuation;
import io.cdckinesis.pipeline.ObjectHint;
import io.cdckinesis.pipeline.ObjectOutcome;
import io.cdckinesis.pipeline.ProducerEngine;
import io.cdckinesis.pipeline.ProducerResult;
import io.cdckinesis.pipeline.RunContext;
import io.cdckinesis.s3.S3EventKeys;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer Lambda function, triggered by the DMS bucket's S3 notifications (objects created,
 * and objects removed, which may reveal a truncated table). The event only says which tables to
 * look at: the {@link ProducerEngine} lists each table's folder and sends what is pending there, in
 * DMS order, under the table's lease.
 *
 * <p>Handler: {@code io.cdckinesis.lambda.S3ToKinesisHandler::handleRequest}. Configured by
 * environment variables ({@link FunctionEnvironment}); clients are built once per container. A
 * table that fails makes the invocation fail (after the event's other tables were processed), so
 * that Lambda retries it and it resumes from its saved progress. Deletions by lifecycle rules are
 * ignored; a malformed event record is logged and counted, not retried.
 */
public class S3ToKinesisHandler implements RequestHandler<S3Event, ProducerResult> {

  private static final Logger LOG = LoggerFactory.getLogger(S3ToKinesisHandler.class);

  private final ProducerEngine engine;
  private final Function<Context, ContinuationInvoker> continuations;
  private final EmfMetrics metrics;
  private final Priming priming; // held here: the CRaC context keeps resources weakly

  /** Builds everything from the environment; the constructor Lambda calls. */
  public S3ToKinesisHandler() {
    FunctionEnvironment env = FunctionEnvironment.fromSystem().requireProducer();
    FunctionClients clients = FunctionClients.shared();
    this.engine = CdcFunctions.producer(env, clients.s3(), clients.kinesis(), m -> {});
    this.continuations = context -> new SelfInvokingContinuation(clients.lambda(), context);
    this.metrics = new EmfMetrics();
    this.priming = Priming.producer("producer", env, clients);
  }

  /** Uses parts built elsewhere (tests, the demo). */
  public S3ToKinesisHandler(
      ProducerEngine engine,
      Function<Context, ContinuationInvoker> continuations,
      EmfMetrics metrics) {
    this.engine = Objects.requireNonNull(engine, "engine");
    this.continuations = Objects.requireNonNull(continuations, "continuations");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.priming = null;
  }

  @Override
  public ProducerResult handleRequest(S3Event event, Context context) {
    try (InvocationLogContext ignored = InvocationLogContext.open(context)) {
      return handle(event, context);
    }
  }

  private ProducerResult handle(S3Event event, Context context) {
    List<S3EventNotification.S3EventNotificationRecord> records =
        event == null || event.getRecords() == null ? List.of() : event.getRecords();
    if (records.isEmpty()) {
      LOG.warn("S3 event without records: nothing to do");
    }
    List<ObjectHint> hints = new ArrayList<>();
    int malformed = 0;
    for (int r = 0; r < records.size(); r++) {
      S3EventNotification.S3EventNotificationRecord record = records.get(r);
      ObjectHint hint = hintOf(record, r + 1);
      if (hint == null) {
        malformed++;
      } else if (hint != IGNORED) {
        hints.add(hint);
      }
    }
    RunContext run =
        new RunContext(
            requestId(context), () -> remainingMillis(context), continuations.apply(context));
    ProducerResult result;
    try {
      result = engine.process(hints, run);
    } catch (RuntimeException e) {
      metrics.emit(KinesisChangeHandler.functionName(context), Map.of("Failures", 1));
      throw e;
    }
    result =
        new ProducerResult(
            result.objects(), malformed, result.rows(), result.records(), result.rejected());
    metrics.emit(KinesisChangeHandler.functionName(context), counts(result));
    return result;
  }

  /** Marks an event record that needs no work (a lifecycle expiration, another event type). */
  private static final ObjectHint IGNORED = new ObjectHint("-", "-", false);

  /**
   * What an event record hints at: a created object, an object someone deleted; {@link #IGNORED}
   * for lifecycle expirations and other events; null (and a log line naming the record by its
   * 1-based place in the event) when malformed.
   */
  static ObjectHint hintOf(S3EventNotification.S3EventNotificationRecord record, int place) {
    String bucket;
    String key;
    try {
      bucket = record.getS3().getBucket().getName();
      String rawKey = record.getS3().getObject().getKey();
      if (bucket == null || bucket.isBlank() || rawKey == null || rawKey.isBlank()) {
        throw new IllegalArgumentException("bucket or key missing");
      }
      key = S3EventKeys.decode(rawKey);
    } catch (RuntimeException e) {
      LOG.atError()
          .setMessage("malformed S3 event record ignored")
          .addKeyValue("record", place)
          .addKeyValue("reason", e.getClass().getSimpleName() + ": " + e.getMessage())
          .log();
      return null;
    }
    String name = record.getEventName() == null ? "ObjectCreated:Put" : record.getEventName();
    if (name.startsWith("ObjectCreated")) {
      return new ObjectHint(bucket, key, false);
    }
    if (name.startsWith("ObjectRemoved")) {
      return new ObjectHint(bucket, key, true);
    }
    // LifecycleExpiration:* (a rule pruning old files) and anything else: never a truncate.
    LOG.atInfo()
        .setMessage("ignoring an S3 event that is neither a creation nor a deletion by someone")
        .addKeyValue("event", name)
        .addKeyValue("object", "s3://" + bucket + "/" + key)
        .log();
    return IGNORED;
  }

  static String requestId(Context context) {
    return context != null && context.getAwsRequestId() != null
        ? context.getAwsRequestId()
        : UUID.randomUUID().toString();
  }

  static long remainingMillis(Context context) {
    return context == null ? Long.MAX_VALUE : context.getRemainingTimeInMillis();
  }

  static Map<String, Number> counts(ProducerResult r) {
    Map<String, Number> m = new LinkedHashMap<>();
    m.put("Objects", r.objects().size());
    m.put("Rows", r.rows());
    m.put("Records", r.records());
    m.put("Rejected", r.rejected());
    m.put("Continued", r.count(ObjectOutcome.Status.CONTINUED));
    m.put("PendingElsewhere", r.count(ObjectOutcome.Status.PENDING_ELSEWHERE));
    m.put("Generations", r.count(ObjectOutcome.Status.GENERATION_STARTED));
    m.put("Superseded", r.count(ObjectOutcome.Status.SUPERSEDED));
    m.put("MalformedEventRecords", r.malformedRecords());
    m.put("Failures", 0);
    return m;
  }

  /** The SnapStart priming registered for this function, or null when its parts were given. */
  Priming priming() {
    return priming;
  }
}
