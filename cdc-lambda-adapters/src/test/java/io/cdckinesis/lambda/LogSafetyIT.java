package io.cdckinesis.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdckinesis.core.CdcException;
import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.EnvelopeCodec;
import io.cdckinesis.core.Operation;
import io.cdckinesis.core.spi.ChangeInput;
import io.cdckinesis.core.spi.LoggingTableHandler;
import io.cdckinesis.core.spi.TableHandler;
import io.cdckinesis.core.spi.TableHandlers;
import io.cdckinesis.lambda.internal.CdcFunctions;
import io.cdckinesis.lambda.internal.S3Notifications;
import io.cdckinesis.local.LocalCredentials;
import io.cdckinesis.local.LocalKinesis;
import io.cdckinesis.local.LocalS3;
import io.cdckinesis.pipeline.ObjectOutcome;
import io.cdckinesis.pipeline.ProducerResult;
import io.cdckinesis.pipeline.consumer.StreamRecord;
import io.cdckinesis.s3.S3ObjectRef;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * No row values and no credentials in logs: a representative run of both functions (bad rows of
 * every kind, an oversize row, a damaged object, a header that is really a data row, a crash and
 * its retry; then the consumer with records that are not envelopes and a handler that fails with
 * the row in its message until the change is dead-lettered) while everything the JVM logs or prints
 * is captured, our loggers at TRACE. The capture is then searched for distinctive values seeded
 * into the data. A canary of each kind, logged or printed by the test itself, proves the search
 * sees what it must.
 */
class LogSafetyIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  // Seeded values: each is in the data only, never in a key, a name or the configuration.
  private static final String PK = "Pk-Vermilion-Tapir";
  private static final String NAME = "Zebulon Quackenbush";
  private static final String NOTE = "Cobalt-Walrus-Memo";
  private static final String BAD_FIELDS = "Saffron-Ibis-Row";
  private static final String BAD_VALUE = "Umber-Yak-Amount";
  private static final String BAD_UTF8 = "Mauve-Heron-Bytes";
  private static final String BAD_OP = "Teal-Marmot-Op";
  private static final String UNTERMINATED = "Ochre-Lemur-Quote";
  private static final String OVERSIZE = "Jade-Okapi-Oversize";
  private static final String HANDLER_FAILS = "Russet-Gecko-Handler";
  private static final String HEADER = "Lilac-Bison-Header";
  private static final String EMAIL = "Sepia-Newt-Email";
  private static final String GARBAGE_TEXT = "Amber-Shrew-Garbage";
  private static final String GARBAGE_JSON = "Indigo-Crane-Json";
  private static final String GARBAGE_CUT = "Scarlet-Vole-Cut";
  private static final List<String> SECRETS =
      List.of(
          PK,
          NAME,
          NOTE,
          BAD_FIELDS,
          BAD_VALUE,
          BAD_UTF8,
          BAD_OP,
          UNTERMINATED,
          OVERSIZE,
          HANDLER_FAILS,
          HEADER,
          EMAIL,
          GARBAGE_TEXT,
          GARBAGE_JSON,
          GARBAGE_CUT,
          LocalCredentials.ACCESS_KEY,
          LocalCredentials.SECRET_KEY);

  // Canaries the test leaks on purpose, one per way text reaches the capture.
  private static final String CANARY_KEY_VALUE = "Canary-Key-Value";
  private static final String CANARY_MESSAGE = "Canary-Message-Argument";
  private static final String CANARY_CAUSE = "Canary-In-A-Cause";
  private static final String CANARY_STDOUT = "Canary-On-Stdout";
  private static final String CANARY_STDERR = "Canary-On-Stderr";
  private static final List<String> CANARIES =
      List.of(CANARY_KEY_VALUE, CANARY_MESSAGE, CANARY_CAUSE, CANARY_STDOUT, CANARY_STDERR);

  private static final String TABLES =
      "{\"shop.orders\": {\"columns\": [\"ref\", \"customer\", \"note\", \"amount\"],"
          + " \"primaryKey\": [\"ref\"], \"types\": {\"amount\": \"DECIMAL(10,2)\"}},"
          + " \"shop.customers\": {\"columns\": [\"code\", \"name\", \"email\"],"
          + " \"primaryKey\": [\"code\"]}}";
  private static final String STATE = "cdc-state";
  private static final String ORDERS_BUCKET = "dms-orders";
  private static final String CUSTOMERS_BUCKET = "dms-customers";
  private static final String STREAM = "changes";
  private static final String SHARD = "shardId-000000000000";

  private static LocalS3 s3;
  private static LocalKinesis kinesis;

  @BeforeAll
  static void start() {
    s3 = LocalS3.inMemory();
    kinesis = LocalKinesis.start();
    for (String b : List.of(STATE, ORDERS_BUCKET, CUSTOMERS_BUCKET)) {
      s3.createBucket(b);
    }
    kinesis.createStream(STREAM, 1);
  }

  @AfterAll
  static void stop() {
    kinesis.close();
    s3.close();
  }

  /** What reached the capture, and what the run handed back to Lambda. */
  private final StringBuilder seen = new StringBuilder();

  @Test
  void noRowValueAndNoCredentialEverReachesTheLogs() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream out = System.out;
    PrintStream err = System.err;
    CapturedMetrics metrics = new CapturedMetrics();
    String logged;
    try (CapturedLogs logs = new CapturedLogs(Level.TRACE)) {
      System.setOut(new PrintStream(new Tee(out, printed), true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(new Tee(err, printed), true, StandardCharsets.UTF_8));
      try {
        leakCanaries();
        produce(metrics);
        consume(metrics);
      } finally {
        System.setOut(out);
        System.setErr(err);
      }
      logged = logs.text();
    }
    seen.append(logged).append(printed.toString(StandardCharsets.UTF_8));
    metrics.lines.forEach(l -> seen.append(l).append('\n'));
    String text = seen.toString();

    assertThat(logged).as("the run logged its work").contains("object damaged", "dead-letter");
    assertThat(found(text, CANARIES))
        .as("the search sees messages, key/values, causes, stdout and stderr")
        .containsExactlyElementsOf(CANARIES);
    assertThat(found(text, SECRETS))
        .as(() -> "row values or credentials in these lines:\n" + linesWith(text, SECRETS))
        .isEmpty();
  }

  private static List<String> found(String text, List<String> values) {
    return values.stream().filter(text::contains).toList();
  }

  private static String linesWith(String text, List<String> values) {
    return text.lines()
        .filter(l -> values.stream().anyMatch(l::contains))
        .collect(java.util.stream.Collectors.joining("\n"));
  }

  private static void leakCanaries() {
    org.slf4j.Logger log = LoggerFactory.getLogger("io.cdckinesis.lambda.LogSafetyIT");
    log.atTrace().setMessage("canary").addKeyValue("value", CANARY_KEY_VALUE).log();
    log.debug("canary {}", CANARY_MESSAGE);
    log.atWarn()
        .setMessage("canary")
        .setCause(new IllegalStateException("outer", new RuntimeException(CANARY_CAUSE)))
        .log();
    System.out.println(CANARY_STDOUT);
    System.err.println(CANARY_STDERR);
  }

  // ---- the producer ----

  private static String order(String op, int n, String customer, String amount) {
    String ref = String.format("ref-%04d-%s", n, PK);
    return (op == null ? "" : op + ",") + ref + "," + customer + "," + NOTE + "," + amount + "\n";
  }

  private void produce(CapturedMetrics metrics) throws IOException {
    String load = "shop/orders/LOAD00000001.csv";
    String changes = "shop/orders/20240810-000000001.csv";
    ByteArrayOutputStream full = new ByteArrayOutputStream();
    for (int n = 1; n <= 24; n++) {
      full.writeBytes(order(null, n, NAME + " " + n, n + ".50").getBytes(StandardCharsets.UTF_8));
    }
    full.writeBytes(order(null, 30, OVERSIZE + "x".repeat(5_000), "1.00").getBytes());
    full.writeBytes(("ref-0031," + BAD_FIELDS + "\n").getBytes(StandardCharsets.UTF_8));
    full.writeBytes(order(null, 32, NAME, BAD_VALUE).getBytes(StandardCharsets.UTF_8));
    full.writeBytes(("ref-0033," + BAD_UTF8).getBytes(StandardCharsets.UTF_8));
    full.writeBytes(new byte[] {(byte) 0xC3, 0x28});
    full.writeBytes((",x,1.00\n").getBytes(StandardCharsets.UTF_8));
    put(ORDERS_BUCKET, load, full.toByteArray());
    put(
        ORDERS_BUCKET,
        changes,
        (order("U", 1, NAME, "13.50")
                + order("Q", 2, BAD_OP, "1.00")
                + order("I", 100, HANDLER_FAILS, "1.00")
                + order("U", 3, NAME, "2.00")
                + "I,ref-0101,\""
                + UNTERMINATED
                + ","
                + NOTE
                + ",1.00\n")
            .getBytes(StandardCharsets.UTF_8));

    Map<String, String> vars = env("{}");
    vars.put(FunctionEnvironment.CHECKPOINT_EVERY_ROWS, "5");
    vars.put(FunctionEnvironment.MAX_RECORD_BYTES, "4096");
    AtomicLong writes = new AtomicLong();
    S3ToKinesisHandler crashing =
        producer(vars, sink -> new CrashingSink(sink, writes, 12), metrics);
    S3Event event = event(ORDERS_BUCKET, load, changes);
    assertThatThrownBy(() -> crashing.handleRequest(event, new TestContext("req-1")))
        .satisfies(e -> seen.append(stackTrace(e))) // the runtime logs what a function throws
        .isInstanceOf(CrashingSink.SimulatedCrash.class);
    ProducerResult retried = crashing.handleRequest(event, new TestContext("req-1"));
    seen.append(JSON.writeValueAsString(retried)).append('\n'); // the invocation's result
    assertThat(retried.rejected()).isEqualTo(5);
    assertThat(retried.count(ObjectOutcome.Status.DAMAGED)).isEqualTo(1);

    put(
        CUSTOMERS_BUCKET,
        "shop/customers/20240810-000000001.csv",
        ("Op,code,name,email\nI,c-1-" + PK + "," + NAME + "," + EMAIL + "\n").getBytes());
    // AddColumnName on, but this file has no header: its first row is read as one.
    put(
        CUSTOMERS_BUCKET,
        "shop/customers/20240810-000000002.csv",
        ("I,c-2," + HEADER + "," + EMAIL + "\nI,c-3," + NAME + "," + EMAIL + "\n").getBytes());
    ProducerResult customers =
        producer(
                env("{\"S3Settings\": {\"AddColumnName\": true}}"),
                UnaryOperator.identity(),
                metrics)
            .handleRequest(
                event(
                    CUSTOMERS_BUCKET,
                    "shop/customers/20240810-000000001.csv",
                    "shop/customers/20240810-000000002.csv"),
                new TestContext("req-2"));
    seen.append(JSON.writeValueAsString(customers)).append('\n');
    assertThat(customers.count(ObjectOutcome.Status.DAMAGED)).isEqualTo(1);
    String rejects = allText("_cdc/rejects/");
    assertThat(rejects)
        .as("the rejects keep what the logs must not")
        .contains(BAD_FIELDS, BAD_VALUE, BAD_OP);
    // A data row taken for a header is named by its object and line, never echoed.
    assertThat(rejects).doesNotContain(HEADER).contains("\"reason\":\"INVALID_HEADER\"");
  }

  private Map<String, String> env(String settings) {
    Map<String, String> env = new HashMap<>();
    env.put(FunctionEnvironment.STREAM_NAME, STREAM);
    env.put(FunctionEnvironment.STATE_BUCKET, STATE);
    env.put(FunctionEnvironment.DMS_SETTINGS, settings);
    env.put(FunctionEnvironment.TABLES, TABLES);
    env.put(FunctionEnvironment.HANDLER_ATTEMPTS_PER_INVOCATION, "2");
    return env;
  }

  private static S3ToKinesisHandler producer(
      Map<String, String> vars,
      UnaryOperator<io.cdckinesis.core.spi.ChangeSink> sinks,
      CapturedMetrics metrics) {
    return new S3ToKinesisHandler(
        CdcFunctions.producer(
            FunctionEnvironment.from(vars), s3.client(), kinesis.client(), m -> {}, sinks),
        context ->
            objects -> {
              throw new AssertionError("no continuation expected");
            },
        metrics.metrics());
  }

  private static void put(String bucket, String key, byte[] bytes) {
    s3.client().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
  }

  private static S3Event event(String bucket, String... keys) {
    List<S3ObjectRef> refs = Arrays.stream(keys).map(k -> S3ObjectRef.of(bucket, k)).toList();
    return EventLoader.loadS3Event(temp(S3Notifications.json(refs)).toString());
  }

  private static String allText(String prefix) {
    StringBuilder sb = new StringBuilder();
    s3.client()
        .listObjectsV2Paginator(b -> b.bucket(STATE).prefix(prefix))
        .contents()
        .forEach(
            o ->
                sb.append(
                    s3.client()
                        .getObjectAsBytes(b -> b.bucket(STATE).key(o.key()))
                        .asString(StandardCharsets.UTF_8)));
    return sb.toString();
  }

  // ---- the consumer ----

  /**
   * Applies orders, but fails on one of them with the row in its message: twice as if the target
   * were down (the shard stops), then for good (it is dead-lettered).
   */
  private static final class CarelessHandler extends TableHandler {
    final List<ChangeRecord> applied = new ArrayList<>();
    int failures;

    @Override
    public void handle(ChangeInput in) {
      ChangeRecord r = in.record();
      if (String.valueOf(r.value("customer")).equals(HANDLER_FAILS)) {
        if (++failures <= 2) {
          throw new IllegalStateException("cannot apply " + r.values() + " of " + r);
        }
        throw new CdcException("will never apply " + r.values() + " of " + r);
      }
      applied.add(r);
    }
  }

  private void consume(CapturedMetrics metrics) throws IOException {
    List<StreamRecord> onStream = new ArrayList<>(StreamReader.readAll(kinesis.client(), STREAM));
    byte[] cut =
        EnvelopeCodec.create()
            .encode(
                ChangeRecord.builder()
                    .operation(Operation.INSERT)
                    .table("shop", "orders")
                    .primaryKey("ref")
                    .value("ref", "x")
                    .value("customer", GARBAGE_CUT + " and more text after it")
                    .position("s3://dms-orders/shop/orders/20240810-000000009.csv", 1, 1)
                    .build());
    cut = Arrays.copyOf(cut, new String(cut, StandardCharsets.UTF_8).indexOf(GARBAGE_CUT) + 20);
    List<byte[]> garbage =
        List.of(
            (GARBAGE_TEXT + " from another producer").getBytes(StandardCharsets.UTF_8),
            ("{\"secret\": \"" + GARBAGE_JSON + "\"}").getBytes(StandardCharsets.UTF_8),
            cut);
    for (int i = 0; i < garbage.size(); i++) {
      onStream.add(new StreamRecord(SHARD, "9" + "0".repeat(50) + i, garbage.get(i), null));
    }
    CarelessHandler orders = new CarelessHandler();
    KinesisChangeHandler handler =
        new KinesisChangeHandler(
            CdcFunctions.consumer(
                FunctionEnvironment.from(env("{}")),
                s3.client(),
                kinesis.client(),
                () -> null,
                TableHandlers.builder()
                    .register("shop.orders", orders)
                    .defaultHandler(new LoggingTableHandler())
                    .build()),
            metrics.metrics());

    StreamsEventResponse first = handler.handleRequest(kinesisEvent(onStream), null);
    assertThat(first.getBatchItemFailures()).as("the failing handler stops the shard").hasSize(1);
    String failed = first.getBatchItemFailures().get(0).getItemIdentifier();
    List<StreamRecord> redelivered =
        onStream.subList(
            onStream.stream().map(StreamRecord::sequenceNumber).toList().indexOf(failed),
            onStream.size());
    StreamsEventResponse second = handler.handleRequest(kinesisEvent(redelivered), null);
    seen.append(JSON.writeValueAsString(first)).append(JSON.writeValueAsString(second));

    assertThat(second.getBatchItemFailures()).isEmpty();
    assertThat(orders.applied)
        .extracting(r -> String.valueOf(r.value("customer")))
        .anyMatch(c -> c.startsWith(OVERSIZE), "the oversize row was resolved")
        .noneMatch(HANDLER_FAILS::equals);
    assertThat(
            s3.client().listObjectsV2(b -> b.bucket(STATE).prefix("_cdc/dead-letter/")).keyCount())
        .as("three records that are not envelopes and the change its handler never took")
        .isEqualTo(4);
  }

  private static KinesisEvent kinesisEvent(List<StreamRecord> records) throws IOException {
    ArrayNode list = JSON.createArrayNode();
    for (StreamRecord s : records) {
      ObjectNode r = list.addObject();
      ObjectNode k = r.putObject("kinesis");
      k.put("kinesisSchemaVersion", "1.0");
      k.put("partitionKey", "p");
      k.put("sequenceNumber", s.sequenceNumber());
      k.put("data", Base64.getEncoder().encodeToString(s.data()));
      k.put("approximateArrivalTimestamp", 1723231637.8);
      r.put("eventSource", "aws:kinesis");
      r.put("eventID", s.shardId() + ":" + s.sequenceNumber());
      r.put("eventName", "aws:kinesis:record");
      r.put("eventSourceARN", "arn:aws:kinesis:us-east-1:123456789012:stream/" + STREAM);
    }
    ObjectNode root = JSON.createObjectNode();
    root.set("Records", list);
    return EventLoader.loadKinesisEvent(temp(JSON.writeValueAsBytes(root)).toString());
  }

  // ---- plumbing ----

  private static Path temp(byte[] json) {
    try {
      Path f = Files.createTempFile("event", ".json");
      f.toFile().deleteOnExit();
      Files.write(f, json);
      return f;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String stackTrace(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return w.toString();
  }

  /** Writes to the real stream and to a copy. */
  private static final class Tee extends OutputStream {
    private final OutputStream original;
    private final ByteArrayOutputStream copy;

    Tee(OutputStream original, ByteArrayOutputStream copy) {
      this.original = original;
      this.copy = copy;
    }

    @Override
    public void write(int b) throws IOException {
      original.write(b);
      synchronized (copy) {
        copy.write(b);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      original.write(b, off, len);
      synchronized (copy) {
        copy.write(b, off, len);
      }
    }

    @Override
    public void flush() throws IOException {
      original.flush();
    }
  }
}
