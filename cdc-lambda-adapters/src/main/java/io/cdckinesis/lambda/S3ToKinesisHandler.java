package io.cdckinesis.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification;
import io.cdckinesis.core.CdcException;
import io.cdckinesis.core.DmsFileName;
import io.cdckinesis.lambda.internal.FunctionClients;
import io.cdckinesis.lambda.internal.SelfInvokingContinuation;
import io.cdckinesis.s3.S3EventKeys;
import io.cdckinesis.s3.S3ObjectRef;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer Lambda function, triggered by S3 object-created notifications for the DMS bucket.
 * Sends every DMS object of the event through a {@link DmsObjectProducer} to Kinesis.
 *
 * <p>Handler: {@code io.cdckinesis.lambda.S3ToKinesisHandler::handleRequest}. Configured by
 * environment variables ({@link FunctionEnvironment}); clients are built once per container.
 *
 * <p>Every record of the event is processed, even when an earlier one fails; the invocation then
 * fails as a whole so that Lambda retries the event, and objects already sent are skipped by their
 * checkpoints. Keys are URL-decoded. Objects that are not DMS data files are ignored with a log
 * line. A malformed event record is logged and counted, not retried (retrying cannot fix it).
 */
public class S3ToKinesisHandler implements RequestHandler<S3Event, ProducerResult> {

  private static final Logger LOG = LoggerFactory.getLogger(S3ToKinesisHandler.class);

  private final DmsObjectProducer producer;
  private final Function<Context, ContinuationInvoker> continuations;
  private final EmfMetrics metrics;

  /** Builds everything from the environment; the constructor Lambda calls. */
  public S3ToKinesisHandler() {
    FunctionEnvironment env = FunctionEnvironment.fromSystem().requireProducer();
    FunctionClients clients = FunctionClients.shared();
    this.producer = CdcFunctions.producer(env, clients.s3(), clients.kinesis(), m -> {});
    this.continuations = context -> new SelfInvokingContinuation(clients.lambda(), context);
    this.metrics = new EmfMetrics();
  }

  /** Uses parts built elsewhere (tests, the demo). */
  public S3ToKinesisHandler(
      DmsObjectProducer producer,
      Function<Context, ContinuationInvoker> continuations,
      EmfMetrics metrics) {
    this.producer = Objects.requireNonNull(producer, "producer");
    this.continuations = Objects.requireNonNull(continuations, "continuations");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  @Override
  public ProducerResult handleRequest(S3Event event, Context context) {
    String owner =
        context != null && context.getAwsRequestId() != null
            ? context.getAwsRequestId()
            : UUID.randomUUID().toString();
    ContinuationInvoker continuation = continuations.apply(context);
    List<ObjectOutcome> outcomes = new ArrayList<>();
    List<String> busy = new ArrayList<>();
    RuntimeException failure = null;
    int malformed = 0;
    List<S3EventNotification.S3EventNotificationRecord> records =
        event == null || event.getRecords() == null ? List.of() : event.getRecords();
    if (records.isEmpty()) {
      LOG.warn("S3 event without records: nothing to do");
    }
    List<S3ObjectRef> objects = new ArrayList<>();
    for (int r = 0; r < records.size(); r++) {
      S3EventNotification.S3EventNotificationRecord record = records.get(r);
      S3ObjectRef ref = objectOf(record, r + 1);
      if (ref == null) {
        malformed++;
      } else if (record.getEventName() != null
          && !record.getEventName().startsWith("ObjectCreated")) {
        LOG.atInfo()
            .setMessage("ignoring a non-create S3 event")
            .addKeyValue("event", record.getEventName())
            .addKeyValue("object", ref.uri())
            .log();
      } else {
        objects.add(ref);
      }
    }
    // Several files of one table in one event go out in DMS order (full load first, then changes
    // by time), so that a key's changes reach the stream in order.
    objects.sort(DMS_ORDER);
    // A table whose object is unfinished (failed, busy elsewhere) holds back its later objects, so
    // that they never overtake it; the event's retry brings them again.
    Set<Object> heldBack = new HashSet<>();
    for (int i = 0; i < objects.size(); i++) {
      S3ObjectRef ref = objects.get(i);
      Object table = producer.tableOf(ref).map(t -> (Object) t).orElse(ref);
      if (heldBack.contains(table)) {
        busy.add(ref.uri());
        continue;
      }
      try {
        List<ObjectOutcome> produced = producer.produce(ref, owner, () -> remainingMillis(context));
        S3ObjectRef continued = null;
        for (ObjectOutcome outcome : produced) {
          outcomes.add(outcome);
          LOG.atInfo()
              .setMessage("object processed")
              .addKeyValue("object", outcome.objectUri())
              .addKeyValue("status", outcome.status())
              .addKeyValue("rows", outcome.rows())
              .addKeyValue("records", outcome.records())
              .addKeyValue("rejected", outcome.rejected())
              .log();
          if (outcome.status() == ObjectOutcome.Status.BUSY_ELSEWHERE) {
            busy.add(outcome.objectUri());
            heldBack.add(table);
          } else if (outcome.status() == ObjectOutcome.Status.CONTINUED) {
            continued = S3ObjectRef.parse(outcome.objectUri());
          }
        }
        if (continued != null) {
          // The unfinished object first, then everything not reached, in one new invocation.
          List<S3ObjectRef> rest = new ArrayList<>();
          rest.add(continued);
          objects.subList(i, objects.size()).stream()
              .filter(o -> !o.uri().equals(rest.get(0).uri()))
              .forEach(rest::add);
          continuation.continueLater(rest);
          break;
        }
      } catch (RuntimeException e) {
        LOG.atError()
            .setMessage("object failed; the event will be retried and resume from the checkpoint")
            .addKeyValue("object", ref.uri())
            .addKeyValue("error", e.getClass().getName())
            .addKeyValue("reason", e.getMessage())
            .log();
        heldBack.add(table);
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    ProducerResult result = ProducerResult.of(outcomes, malformed);
    metrics.emit(KinesisChangeHandler.functionName(context), counts(result, failure));
    if (failure != null) {
      throw failure instanceof CdcException ? failure : new CdcException("object failed", failure);
    }
    if (!busy.isEmpty()) {
      throw new ObjectBusyException(busy);
    }
    return result;
  }

  private static final Comparator<S3ObjectRef> DMS_ORDER =
      Comparator.comparing(
              (S3ObjectRef r) -> DmsFileName.parseLastSegment(r.key()).orElse(null),
              Comparator.nullsLast(Comparator.naturalOrder()))
          .thenComparing(S3ObjectRef::uri);

  /**
   * The object of an event record, URL-decoded; null (and a log line naming the record by its
   * 1-based place in the event) when malformed.
   */
  static S3ObjectRef objectOf(S3EventNotification.S3EventNotificationRecord record, int place) {
    try {
      String bucket = record.getS3().getBucket().getName();
      String rawKey = record.getS3().getObject().getKey();
      if (bucket == null || bucket.isBlank() || rawKey == null || rawKey.isBlank()) {
        throw new IllegalArgumentException("bucket or key missing");
      }
      return new S3ObjectRef(
          bucket, S3EventKeys.decode(rawKey), record.getS3().getObject().getVersionId());
    } catch (RuntimeException e) {
      LOG.atError()
          .setMessage("malformed S3 event record ignored")
          .addKeyValue("record", place)
          .addKeyValue("reason", e.getClass().getSimpleName() + ": " + e.getMessage())
          .log();
      return null;
    }
  }

  private static long remainingMillis(Context context) {
    return context == null ? Long.MAX_VALUE : context.getRemainingTimeInMillis();
  }

  private static Map<String, Number> counts(ProducerResult r, RuntimeException failure) {
    Map<String, Number> m = new LinkedHashMap<>();
    m.put("Objects", r.objects().size());
    m.put("Rows", r.rows());
    m.put("Records", r.records());
    m.put("Rejected", r.rejected());
    m.put("Continued", r.count(ObjectOutcome.Status.CONTINUED));
    m.put("Duplicates", r.count(ObjectOutcome.Status.ALREADY_DONE));
    m.put("MalformedEventRecords", r.malformedRecords());
    m.put("Failures", failure == null ? 0 : 1 + failure.getSuppressed().length);
    return m;
  }
}
