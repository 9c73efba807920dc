package io.cdckinesis.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.cdckinesis.lambda.internal.FunctionClients;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The consumer Lambda function: a Kinesis event source mapping with {@code FunctionResponseTypes:
 * [ReportBatchItemFailures]} calls it with a batch of one shard's records. It hands them to a
 * {@link ChangeConsumer} and reports the first record not done as the batch item failure, so Lambda
 * retries the shard from there and order holds.
 *
 * <p>Handler: {@code io.cdckinesis.lambda.KinesisChangeHandler::handleRequest}. Configured by
 * environment variables ({@link FunctionEnvironment}): table handlers from {@code
 * CDC_TABLE_HANDLERS}/{@code CDC_DEFAULT_HANDLER}, or subclass this class and override {@link
 * #configure}. Everything is built once per container.
 */
public class KinesisChangeHandler implements RequestHandler<KinesisEvent, StreamsEventResponse> {

  private final ChangeConsumer consumer;
  private final EmfMetrics metrics;

  /** Builds everything from the environment; the constructor Lambda calls. */
  public KinesisChangeHandler() {
    FunctionEnvironment env = FunctionEnvironment.fromSystem();
    this.consumer =
        CdcFunctions.consumer(
            env, FunctionClients.shared().s3(), CdcFunctions.handlers(env, this::configure));
    this.metrics = new EmfMetrics();
  }

  /** Uses a consumer built elsewhere (tests, the demo, other runtimes). */
  public KinesisChangeHandler(ChangeConsumer consumer, EmfMetrics metrics) {
    this.consumer = Objects.requireNonNull(consumer, "consumer");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  /**
   * Registers table handlers in code; called once by the no-argument constructor, after the
   * handlers named in the environment. Runs before the subclass's own fields are initialized.
   */
  protected void configure(TableHandlers.Builder handlers) {}

  @Override
  public StreamsEventResponse handleRequest(KinesisEvent event, Context context) {
    List<StreamRecord> records = new ArrayList<>();
    if (event != null && event.getRecords() != null) {
      for (KinesisEvent.KinesisEventRecord r : event.getRecords()) {
        records.add(toStreamRecord(r));
      }
    }
    BatchResult result = consumer.process(records);
    List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>();
    for (String seq : result.failedSequenceNumbers()) {
      failures.add(new StreamsEventResponse.BatchItemFailure(seq));
    }
    metrics.emit(functionName(context), counts(result));
    return new StreamsEventResponse(failures);
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
    return new StreamRecord(shardOf(r), k.getSequenceNumber(), bytes, arrival);
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
}
