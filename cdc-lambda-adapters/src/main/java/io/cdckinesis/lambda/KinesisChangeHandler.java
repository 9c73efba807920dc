package io.cdckinesis.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.cdckinesis.core.spi.ChangeInput;
import io.cdckinesis.core.spi.TableHandlers;
import io.cdckinesis.lambda.internal.CdcFunctions;
import io.cdckinesis.lambda.internal.FunctionClients;
import io.cdckinesis.lambda.internal.InvocationLogContext;
import io.cdckinesis.lambda.internal.Priming;
import io.cdckinesis.pipeline.consumer.BatchResult;
import io.cdckinesis.pipeline.consumer.ChangeConsumer;
import io.cdckinesis.pipeline.consumer.StreamRecord;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer Lambda function: a Kinesis event source mapping with {@code FunctionResponseTypes:
 * [ReportBatchItemFailures]} calls it with a batch of one shard's records. It hands them to a
 * {@link ChangeConsumer} and reports the first record not done as the batch item failure, so Lambda
 * retries the shard from there and order holds.
 *
 * <p>Handler: {@code io.cdckinesis.lambda.KinesisChangeHandler::handleRequest}. Configured by
 * environment variables ({@link FunctionEnvironment}): table handlers from {@code
 * CDC_TABLE_HANDLERS}/{@code CDC_DEFAULT_HANDLER}, or subclass this class and override {@link
 * #configure}. The consumer is built once per container, at the first invocation (after
 * construction, so a subclass's fields are set when {@code configure} runs).
 *
 * <p>Every log line of an invocation carries its request id and shard; each invocation writes one
 * EMF metrics document.
 */
public class KinesisChangeHandler implements RequestHandler<KinesisEvent, StreamsEventResponse> {

  private static final Logger LOG = LoggerFactory.getLogger(KinesisChangeHandler.class);

  private final EmfMetrics metrics;
  private final Priming priming; // held here: the CRaC context keeps resources weakly
  private volatile ChangeConsumer consumer;

  /**
   * Builds everything from the environment at the first invocation; the constructor Lambda calls.
   */
  public KinesisChangeHandler() {
    this(new EmfMetrics());
  }

  /**
   * For subclasses that send metrics elsewhere; the consumer is built at the first invocation by
   * {@link #createConsumer()}.
   *
   * <p>With SnapStart, the clients and the consumer's code are primed before the snapshot, but the
   * consumer (and your handlers) are built only at the first invocation after a restore; one built
   * before the snapshot is dropped at the restore, as it belongs to the container that took it.
   */
  protected KinesisChangeHandler(EmfMetrics metrics) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.priming = Priming.consumer("consumer", this::environment, this::clients, this::forget);
  }

  /** Uses a consumer built elsewhere (tests, the demo, other runtimes). */
  public KinesisChangeHandler(ChangeConsumer consumer, EmfMetrics metrics) {
    this.consumer = Objects.requireNonNull(consumer, "consumer");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.priming = null;
  }

  /** Forgets a consumer built before a snapshot; the next invocation builds a new one. */
  private void forget() {
    consumer = null;
  }

  /** The container's configuration (tests in this package give their own). */
  FunctionEnvironment environment() {
    return FunctionEnvironment.fromSystem();
  }

  /** The container's clients (tests in this package give their own). */
  FunctionClients clients() {
    return FunctionClients.shared();
  }

  /** The SnapStart priming registered for this function, or null when the consumer was given. */
  Priming priming() {
    return priming;
  }

  /**
   * Registers table handlers in code, after the handlers named in the environment. Called once, at
   * the first invocation, by {@link #createConsumer()}.
   */
  protected void configure(TableHandlers.Builder handlers) {}

  /**
   * Builds the consumer from the environment and the container's clients; called once, at the first
   * invocation. Override to assemble it differently.
   */
  protected ChangeConsumer createConsumer() {
    FunctionEnvironment env = environment();
    FunctionClients clients = clients();
    return CdcFunctions.consumer(
        env,
        clients.s3(),
        clients.kinesis(),
        clients::dynamoDb,
        CdcFunctions.handlers(env, this::configure));
  }

  private ChangeConsumer consumer() {
    ChangeConsumer c = consumer;
    if (c == null) {
      synchronized (this) {
        c = consumer;
        if (c == null) {
          c = createConsumer();
          consumer = c;
        }
      }
    }
    return c;
  }

  @Override
  public StreamsEventResponse handleRequest(KinesisEvent event, Context context) {
    try (InvocationLogContext ignored = InvocationLogContext.open(context)) {
      List<StreamRecord> records = new ArrayList<>();
      if (event != null && event.getRecords() != null) {
        for (KinesisEvent.KinesisEventRecord r : event.getRecords()) {
          records.add(toStreamRecord(r));
        }
      }
      Map<String, Number> counts = new LinkedHashMap<>();
      try {
        BatchResult result = consumer().process(records, remainingTime(context));
        counts.putAll(counts(result));
        List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>();
        for (String seq : result.failedSequenceNumbers()) {
          failures.add(new StreamsEventResponse.BatchItemFailure(seq));
        }
        return new StreamsEventResponse(failures);
      } catch (RuntimeException e) {
        // Nothing was reported done: Lambda retries the whole batch.
        counts.put("StreamRecords", records.size());
        counts.put("InvocationErrors", 1);
        LOG.atError()
            .setMessage("consumer invocation failed; Lambda retries the batch")
            .addKeyValue("error", e.getClass().getName())
            .log();
        throw e;
      } finally {
        metrics.emit(functionName(context), requestId(context), counts);
      }
    }
  }

  private static Supplier<Duration> remainingTime(Context context) {
    if (context == null) {
      return () -> ChangeInput.NO_LIMIT;
    }
    return () -> Duration.ofMillis(context.getRemainingTimeInMillis());
  }

  static StreamRecord toStreamRecord(KinesisEvent.KinesisEventRecord r) {
    KinesisEvent.Record k = r.getKinesis();
    ByteBuffer data = k.getData().asReadOnlyBuffer();
    byte[] bytes = new byte[data.remaining()];
    data.get(bytes);
    Instant arrival =
        k.getApproximateArrivalTimestamp() == null
            ? null
            : k.getApproximateArrivalTimestamp().toInstant();
    return new StreamRecord(
        r.getEventSourceARN(), shardOf(r), k.getSequenceNumber(), bytes, arrival);
  }

  /** The shard id from the event id ({@code shardId-000000000000:4954...}). */
  static String shardOf(KinesisEvent.KinesisEventRecord r) {
    String id = r.getEventID();
    if (id == null) {
      return "unknown";
    }
    int colon = id.indexOf(':');
    return colon > 0 ? id.substring(0, colon) : id;
  }

  private static Map<String, Number> counts(BatchResult r) {
    Map<String, Number> m = new LinkedHashMap<>();
    m.put("StreamRecords", r.records());
    m.put("Changes", r.changes());
    m.put("Applied", r.applied());
    m.put("Duplicates", r.duplicates());
    m.put("Stale", r.stale());
    m.put("OutOfShardRange", r.outOfRange());
    m.put("TableResets", r.resets());
    m.put("SchemaChanges", r.schemaChanges());
    m.put("HandlerRetries", r.handlerRetries());
    m.put("DeadLettered", r.deadLettered());
    m.put("BatchItemFailures", r.failedSequenceNumbers().size());
    if (r.newestChangeAge() != null) {
      m.put("NewestChangeAgeMillis", r.newestChangeAge().toMillis());
    }
    return m;
  }

  static String functionName(Context context) {
    return context == null || context.getFunctionName() == null
        ? "local"
        : context.getFunctionName();
  }

  private static String requestId(Context context) {
    return context == null ? null : context.getAwsRequestId();
  }
}
