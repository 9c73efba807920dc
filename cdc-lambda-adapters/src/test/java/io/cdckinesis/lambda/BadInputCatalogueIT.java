package io.cdckinesis.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdckinesis.core.BadInputReason;
import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.Envelope;
import io.cdckinesis.core.EnvelopeCodec;
import io.cdckinesis.core.TableDefinitions;
import io.cdckinesis.core.spi.TableHandlers;
import io.cdckinesis.lambda.internal.CdcFunctions;
import io.cdckinesis.lambda.internal.S3Notifications;
import io.cdckinesis.local.LocalKinesis;
import io.cdckinesis.local.LocalS3;
import io.cdckinesis.pipeline.ObjectOutcome;
import io.cdckinesis.pipeline.ProducerResult;
import io.cdckinesis.pipeline.consumer.BatchResult;
import io.cdckinesis.s3.S3ObjectRef;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The bad-input catalogue, one test per entry, through the real functions (built by {@link
 * CdcFunctions} from environment variables) over s3proxy and kinesalite. Each entry checks the
 * three promises: a clear error naming the object, the line and the reason; the good rows still
 * reach the stream; and the bad input is kept where the catalogue says (rejects, oversize store,
 * dead letters). Every test has its own source bucket, state bucket and stream.
 */
class BadInputCatalogueIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TABLES_JSON =
      "{\"shop.orders\": {\"columns\": [\"id\", \"customer\", \"note\", \"amount\", \"placed\"],"
          + " \"primaryKey\": [\"id\"],"
          + " \"types\": {\"id\": \"INT\", \"amount\": \"DECIMAL(10,2)\", \"placed\": \"DATE\"}}}";
  private static final EnvelopeCodec CODEC =
      EnvelopeCodec.withTables(TableDefinitions.fromJson(TABLES_JSON, "tables"));
  private static final String HEADER = "Op,id,customer,note,amount,placed\n";
  private static final String NO_HEADER = "{}";
  private static final String WITH_HEADER = "{\"S3Settings\": {\"AddColumnName\": true}}";
  private static final String GZIP = "{\"S3Settings\": {\"CompressionType\": \"GZIP\"}}";
  private static final String CDC_1 = "shop/orders/20240810-000000001.csv";
  private static final String CDC_2 = "shop/orders/20240810-000000002.csv";
  private static final AtomicInteger CASES = new AtomicInteger();

  private static LocalS3 s3;
  private static LocalKinesis kinesis;

  private String bucket;
  private String state;
  private String stream;

  @BeforeAll
  static void start() {
    s3 = LocalS3.inMemory();
    kinesis = LocalKinesis.start();
  }

  @AfterAll
  static void stop() {
    kinesis.close();
    s3.close();
  }

  @BeforeEach
  void ownBucketsAndStream() {
    int n = CASES.incrementAndGet();
    bucket = "dms-" + n;
    state = "state-" + n;
    stream = "changes-" + n;
    s3.createBucket(bucket);
    s3.createBucket(state);
    kinesis.createStream(stream, 1);
  }

  // ---- inputs ----

  private static String row(String op, int id, String customer) {
    return op + "," + id + "," + customer + ",plain note," + id + ".50,2024-08-10\n";
  }

  private void put(String key, byte[] bytes) {
    s3.client().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
  }

  private void put(String key, String text) {
    put(key, text.getBytes(StandardCharsets.UTF_8));
  }

  private String uri(String key) {
    return "s3://" + bucket + "/" + key;
  }

  private static byte[] gzip(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  // ---- the functions ----

  private Map<String, String> env(String settings) {
    Map<String, String> env = new HashMap<>();
    env.put(FunctionEnvironment.STREAM_NAME, stream);
    env.put(FunctionEnvironment.STATE_BUCKET, state);
    env.put(FunctionEnvironment.DMS_SETTINGS, settings);
    env.put(FunctionEnvironment.TABLES, TABLES_JSON);
    return env;
  }

  private S3ToKinesisHandler producer(Map<String, String> vars) {
    return new S3ToKinesisHandler(
        CdcFunctions.producer(
            FunctionEnvironment.from(vars), s3.client(), kinesis.client(), m -> {}),
        context ->
            objects -> {
              throw new AssertionError("no continuation expected: " + objects);
            },
        new CapturedMetrics().metrics());
  }

  private ProducerResult produce(String settings, String... keys) {
    return producer(env(settings)).handleRequest(event(keys), new TestContext("req-" + bucket));
  }

  /** An S3 notification as the bucket sends it, a record per key. */
  private S3Event event(String... keys) {
    List<S3ObjectRef> refs = Arrays.stream(keys).map(k -> S3ObjectRef.of(bucket, k)).toList();
    return EventLoader.loadS3Event(temp(S3Notifications.json(refs)).toString());
  }

  private static Path temp(byte[] json) {
    try {
      Path f = Files.createTempFile("event", ".json");
      f.toFile().deleteOnExit();
      Files.write(f, json);
      return f;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- what came out ----

  private List<Envelope> envelopes() {
    return StreamReader.envelopes(StreamReader.readAll(kinesis.client(), stream)).stream()
        .map(CODEC::decode)
        .filter(e -> !(e instanceof Envelope.Control))
        .toList();
  }

  private List<ChangeRecord> sent() {
    return envelopes().stream().map(e -> ((Envelope.Data) e).record()).toList();
  }

  private static List<String> ids(List<ChangeRecord> records) {
    return records.stream().map(r -> String.valueOf(r.value("id"))).toList();
  }

  private List<String> keys(String prefix) {
    return s3.client().listObjectsV2(b -> b.bucket(state).prefix(prefix)).contents().stream()
        .map(S3Object::key)
        .toList();
  }

  private String read(String key) {
    return s3.client()
        .getObjectAsBytes(b -> b.bucket(state).key(key))
        .asString(StandardCharsets.UTF_8);
  }

  /** Every reject line in the state bucket's rejects location. */
  private List<JsonNode> rejects() throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String key : keys("_cdc/rejects/")) {
      assertThat(key).startsWith("_cdc/rejects/" + bucket + "/").endsWith(".rejects.jsonl");
      for (String line : read(key).split("\n")) {
        out.add(JSON.readTree(line));
      }
    }
    return out;
  }

  private static void assertReject(
      JsonNode reject, String objectUri, long row, long line, BadInputReason reason) {
    assertThat(reject.get("objectUri").asText()).isEqualTo(objectUri);
    assertThat(reject.get("row").asLong()).as("row").isEqualTo(row);
    assertThat(reject.get("line").asLong()).as("line").isEqualTo(line);
    assertThat(reject.get("reason").asText()).isEqualTo(reason.name());
    assertThat(reject.get("message").asText()).as("message").isNotBlank();
  }

  private static ObjectOutcome outcome(ProducerResult r, String uri) {
    return r.objects().stream()
        .filter(o -> o.objectUri().equals(uri))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no outcome for " + uri + " in " + r));
  }

  // ---- row-level problems: the row is rejected, the rest of the object flows ----

  static Stream<Arguments> badRows() {
    return Stream.of(
        Arguments.of(
            "wrong field count",
            "I,2,Bo\n".getBytes(StandardCharsets.UTF_8),
            BadInputReason.WRONG_FIELD_COUNT,
            "expected 6 fields, found 3",
            "I,2,Bo"),
        Arguments.of(
            "unknown Op code",
            row("X", 2, "Bo").getBytes(StandardCharsets.UTF_8),
            BadInputReason.UNKNOWN_OPERATION,
            "the Op field is not I, U or D",
            "X,2,Bo,plain note,2.50,2024-08-10"),
        Arguments.of(
            "invalid UTF-8",
            concat(
                "I,2,B".getBytes(StandardCharsets.UTF_8),
                new byte[] {(byte) 0xC3, 0x28},
                "o,plain note,2.50,2024-08-10\n".getBytes(StandardCharsets.UTF_8)),
            BadInputReason.INVALID_ENCODING,
            "not valid UTF-8 at byte offset 41 (line 3)",
            ""), // undecodable: the bytes stay in the source object, at the offset named
        Arguments.of(
            "a value that is not its column's type",
            "I,2,Bo,plain note,lots,2024-08-10\n".getBytes(StandardCharsets.UTF_8),
            BadInputReason.INVALID_VALUE,
            "column amount is not a valid DECIMAL",
            "I,2,Bo,plain note,lots,2024-08-10"));
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRows")
  void aBadRowIsRejectedWithItsObjectLineAndReasonAndTheOtherRowsFlow(
      String name, byte[] badRow, BadInputReason reason, String message, String rawText)
      throws Exception {
    // Row 1 spans lines 1-2 (a quoted newline), so the bad row 2 is on line 3.
    byte[] csv =
        concat(
            "I,1,Ann,\"two\nlines\",1.50,2024-08-10\n".getBytes(StandardCharsets.UTF_8),
            badRow,
            row("U", 3, "Cy").getBytes(StandardCharsets.UTF_8));
    put(CDC_1, csv);

    ProducerResult r = produce(NO_HEADER, CDC_1);

    assertThat(outcome(r, uri(CDC_1)))
        .isEqualTo(new ObjectOutcome(uri(CDC_1), ObjectOutcome.Status.COMPLETED, 3, 2, 1));
    List<ChangeRecord> sent = sent();
    assertThat(ids(sent)).containsExactly("1", "3");
    assertThat(sent.get(1).position().line()).isEqualTo(4);
    List<JsonNode> rejects = rejects();
    assertThat(rejects).hasSize(1);
    assertReject(rejects.get(0), uri(CDC_1), 2, 3, reason);
    assertThat(rejects.get(0).get("message").asText()).contains(message);
    assertThat(rejects.get(0).get("rawText").asText()).isEqualTo(rawText);
  }

  // ---- object-level damage: the rows before it flow, the damage is one reject ----

  @Test
  void anUnterminatedQuoteEndsTheObjectAfterItsGoodRows() throws Exception {
    put(
        CDC_1,
        row("I", 1, "Ann")
            + row("I", 2, "Bo")
            + "I,3,\"Cy never closed,plain note,3.50,2024-08-10\n"
            + row("I", 4, "Di"));

    ProducerResult r = produce(NO_HEADER, CDC_1);

    assertThat(outcome(r, uri(CDC_1)).status()).isEqualTo(ObjectOutcome.Status.DAMAGED);
    assertThat(ids(sent())).containsExactly("1", "2");
    List<JsonNode> rejects = rejects();
    assertThat(rejects).hasSize(1);
    assertReject(rejects.get(0), uri(CDC_1), 3, 3, BadInputReason.UNTERMINATED_QUOTE);
    assertThat(rejects.get(0).get("message").asText()).contains("quoted field is not closed");
  }

  @Test
  void aStrayQuoteInAQuotedFieldEndsTheObjectAfterItsGoodRows() throws Exception {
    put(
        CDC_1,
        row("I", 1, "Ann")
            + "I,2,\"Bo \"the\" Builder\",plain note,2.50,2024-08-10\n"
            + row("I", 3, "Cy"));

    ProducerResult r = produce(NO_HEADER, CDC_1);

    assertThat(outcome(r, uri(CDC_1)).status()).isEqualTo(ObjectOutcome.Status.DAMAGED);
    assertThat(ids(sent())).containsExactly("1");
    List<JsonNode> rejects = rejects();
    assertThat(rejects).hasSize(1);
    assertReject(rejects.get(0), uri(CDC_1), 2, 2, BadInputReason.MALFORMED_CSV);
    assertThat(rejects.get(0).get("message").asText()).doesNotContain("Builder");
  }

  @Test
  void aTruncatedGzipObjectSendsTheRowsBeforeTheCut() throws Exception {
    String key = "shop/orders/20240810-000000001.csv.gz";
    StringBuilder csv = new StringBuilder();
    for (int id = 1; id <= 2_000; id++) {
      csv.append(row("I", id, "Customer " + Integer.toHexString(id * 7919)));
    }
    byte[] whole = gzip(csv.toString());
    put(key, Arrays.copyOf(whole, whole.length / 2));

    ProducerResult r = produce(GZIP, key);

    ObjectOutcome o = outcome(r, uri(key));
    assertThat(o.status()).isEqualTo(ObjectOutcome.Status.DAMAGED);
    List<String> ids = ids(sent());
    int good = ids.size();
    assertThat(good).isBetween(100, 1_999);
    // each row is its own key: the stream keeps order per key, and calls in flight interleave keys
    assertThat(ids)
        .as("the rows before the cut, each once")
        .containsExactlyInAnyOrderElementsOf(
            Stream.iterate(1, i -> i + 1).limit(good).map(String::valueOf).toList());
    assertThat(o.records()).isEqualTo(good);
    List<JsonNode> rejects = rejects();
    assertThat(rejects).hasSize(1);
    JsonNode reject = rejects.get(0);
    assertThat(reject.get("reason").asText()).isEqualTo("CORRUPT_COMPRESSION");
    assertThat(reject.get("objectUri").asText()).isEqualTo(uri(key));
    assertThat(reject.get("row").asLong()).isEqualTo(good + 1);
    assertThat(reject.get("line").asLong()).isGreaterThanOrEqualTo(good + 1);
    assertThat(reject.get("message").asText()).contains("gzip data is corrupt or truncated");
  }

  @Test
  void anEmptyObjectIsDamagedWithoutBlockingTheTablesNextFile() throws Exception {
    put(CDC_1, new byte[0]);
    put(CDC_2, row("I", 1, "Ann") + row("U", 1, "Ann"));

    ProducerResult r = produce(NO_HEADER, CDC_1, CDC_2);

    assertThat(outcome(r, uri(CDC_1)))
        .isEqualTo(new ObjectOutcome(uri(CDC_1), ObjectOutcome.Status.DAMAGED, 0, 0, 1));
    assertThat(outcome(r, uri(CDC_2)).status()).isEqualTo(ObjectOutcome.Status.COMPLETED);
    assertThat(sent()).extracting(c -> c.position().objectUri()).containsOnly(uri(CDC_2));
    assertThat(sent()).hasSize(2);
    List<JsonNode> rejects = rejects();
    assertThat(rejects).hasSize(1);
    assertReject(rejects.get(0), uri(CDC_1), 0, 0, BadInputReason.EMPTY_OBJECT);
  }

  @Test
  void aHeaderOnlyObjectIsCompleteWithNoRecordsAndNoRejects() throws Exception {
    put(CDC_1, HEADER);

    ProducerResult r = produce(WITH_HEADER, CDC_1);

    assertThat(outcome(r, uri(CDC_1)))
        .isEqualTo(new ObjectOutcome(uri(CDC_1), ObjectOutcome.Status.COMPLETED, 0, 0, 0));
    assertThat(sent()).isEmpty();
    assertThat(keys("_cdc/rejects/")).isEmpty();
  }

  @Test
  void aHeaderWithoutTheKeyColumnDamagesItsObjectOnly() throws Exception {
    // each file's header wins over configured columns, but the key column cannot be missing
    put(CDC_1, "Op,order_id,customer,note,amount,placed\n" + row("I", 1, "Ann"));
    put(CDC_2, HEADER + row("I", 2, "Bo"));

    ProducerResult r = produce(WITH_HEADER, CDC_1, CDC_2);

    assertThat(outcome(r, uri(CDC_1)).status()).isEqualTo(ObjectOutcome.Status.DAMAGED);
    assertThat(outcome(r, uri(CDC_2)).status()).isEqualTo(ObjectOutcome.Status.COMPLETED);
    assertThat(ids(sent())).containsExactly("2");
    List<JsonNode> rejects = rejects();
    assertThat(rejects).hasSize(1);
    // The header is line 1 and concerns the whole object: no data row is named.
    assertReject(rejects.get(0), uri(CDC_1), 0, 1, BadInputReason.INVALID_HEADER);
    assertThat(rejects.get(0).get("message").asText())
        .contains("the header lacks primary key column id of shop.orders");
  }

  @Test
  void aTableWithoutHeaderOrDefinitionIsDamagedAndOtherTablesFlow() throws Exception {
    String unknown = "shop/returns/20240810-000000001.csv";
    put(unknown, "I,1,whatever\n");
    put(CDC_1, row("I", 1, "Ann"));

    ProducerResult r = produce(NO_HEADER, unknown, CDC_1);

    assertThat(outcome(r, uri(unknown)).status()).isEqualTo(ObjectOutcome.Status.DAMAGED);
    assertThat(outcome(r, uri(CDC_1)).status()).isEqualTo(ObjectOutcome.Status.COMPLETED);
    assertThat(ids(sent())).containsExactly("1");
    List<JsonNode> rejects = rejects();
    assertThat(rejects).hasSize(1);
    assertReject(rejects.get(0), uri(unknown), 0, 0, BadInputReason.UNKNOWN_TABLE);
    assertThat(rejects.get(0).get("message").asText()).contains("shop.returns");
  }

  // ---- objects that are not DMS data: a log line, no failure, no reject ----

  static Stream<Arguments> notDmsObjects() {
    return Stream.of(
        Arguments.of(
            "an unknown schema/table path",
            NO_HEADER,
            "orders/20240810-000000001.csv",
            "expected <schema>/<table>/"),
        Arguments.of(
            "a path outside BucketFolder",
            "{\"S3Settings\": {\"BucketFolder\": \"dms\"}}",
            "other/shop/orders/20240810-000000001.csv",
            "not under BucketFolder dms"),
        Arguments.of(
            "a non-DMS object in a table folder",
            NO_HEADER,
            "shop/orders/readme.txt",
            "file name readme.txt is none of"),
        Arguments.of("a non-DMS object at the top", NO_HEADER, "notes.csv", "file name notes.csv"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("notDmsObjects")
  void anObjectThatIsNotDmsDataIsLoggedAndSkipped(
      String name, String settings, String key, String reason) throws Exception {
    String good =
        settings.contains("BucketFolder") ? "dms/shop/orders/20240810-000000001.csv" : CDC_1;
    put(key, row("I", 9, "Not data"));
    put(good, row("I", 1, "Ann"));

    ProducerResult r;
    List<ILoggingEvent> logged;
    try (CapturedLogs logs = new CapturedLogs()) {
      r = produce(settings, key, good);
      logged = logs.withMessage("ignoring an object that is not a DMS data file");
    }

    assertThat(outcome(r, uri(key)).status()).isEqualTo(ObjectOutcome.Status.NOT_DMS_OBJECT);
    assertThat(outcome(r, uri(good)).status()).isEqualTo(ObjectOutcome.Status.COMPLETED);
    assertThat(ids(sent())).containsExactly("1");
    assertThat(logged)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(CapturedLogs.keyValues(e)).containsEntry("object", uri(key));
              assertThat(String.valueOf(CapturedLogs.keyValues(e).get("reason"))).contains(reason);
            });
    assertThat(keys("_cdc/rejects/")).isEmpty();
  }

  // ---- a row over the record limit: oversize store and a pointer, not a reject ----

  @Test
  void aRowOverTheRecordLimitGoesToTheOversizeStoreNotToTheRejects() throws Exception {
    String big = "x".repeat(6_000);
    put(CDC_1, row("I", 1, "Ann") + row("I", 2, big) + row("I", 3, "Cy"));
    Map<String, String> vars = env(NO_HEADER);
    vars.put(FunctionEnvironment.MAX_RECORD_BYTES, "4096");

    ProducerResult r = producer(vars).handleRequest(event(CDC_1), new TestContext("req-" + bucket));

    assertThat(outcome(r, uri(CDC_1)))
        .isEqualTo(new ObjectOutcome(uri(CDC_1), ObjectOutcome.Status.COMPLETED, 3, 3, 0));
    assertThat(keys("_cdc/rejects/")).isEmpty();
    List<Envelope> onStream = envelopes();
    assertThat(onStream).hasSize(3);
    Envelope.Pointer pointer =
        onStream.stream()
            .filter(Envelope.Pointer.class::isInstance)
            .map(Envelope.Pointer.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(pointer.position().objectUri()).isEqualTo(uri(CDC_1));
    assertThat(pointer.position().row()).isEqualTo(2);
    assertThat(pointer.position().line()).isEqualTo(2);
    List<String> oversize = keys("_cdc/oversize/");
    assertThat(oversize).singleElement();
    assertThat(pointer.payload().uri()).isEqualTo("s3://" + state + "/" + oversize.get(0));
    ChangeRecord stored =
        CODEC.decodeRecord(
            s3.client().getObjectAsBytes(b -> b.bucket(state).key(oversize.get(0))).asByteArray());
    assertThat(stored.value("customer")).isEqualTo(big);

    MapReplica replica = new MapReplica();
    BatchResult consumed =
        CdcFunctions.consumer(
                FunctionEnvironment.from(vars),
                s3.client(),
                kinesis.client(),
                () -> null,
                TableHandlers.builder().defaultHandler(replica).build())
            .process(StreamReader.readAll(kinesis.client(), stream));
    assertThat(consumed.failedSequenceNumbers()).isEmpty();
    assertThat(replica.applied).extracting(c -> c.value("customer")).contains(big);
    assertThat(ids(replica.applied)).containsExactlyInAnyOrder("1", "2", "3");
  }

  // ---- a malformed S3 event record: counted and logged, the rest of the event runs ----

  /** Breaks a well-formed record as a hand-made or foreign event might be broken. */
  static Stream<Arguments> malformedEventRecords() {
    return Stream.of(
        Arguments.of("no object key", "object", "key", null),
        Arguments.of("an empty object key", "object", "key", ""),
        Arguments.of("no bucket name", "bucket", "name", null),
        Arguments.of("a blank bucket name", "bucket", "name", " "));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedEventRecords")
  void aMalformedEventRecordIsCountedAndLoggedAndTheOtherRecordsRun(
      String name, String entity, String field, String value) throws Exception {
    put(CDC_1, row("I", 1, "Ann"));
    ObjectNode event =
        (ObjectNode)
            JSON.readTree(
                S3Notifications.json(
                    List.of(
                        S3ObjectRef.of(bucket, "shop/orders/x.csv"),
                        S3ObjectRef.of(bucket, CDC_1))));
    ObjectNode broken = (ObjectNode) event.get("Records").get(0).get("s3").get(entity);
    if (value == null) {
      broken.remove(field);
    } else {
      broken.put(field, value);
    }
    S3Event s3Event = EventLoader.loadS3Event(temp(JSON.writeValueAsBytes(event)).toString());

    ProducerResult r;
    List<ILoggingEvent> logged;
    try (CapturedLogs logs = new CapturedLogs()) {
      r = producer(env(NO_HEADER)).handleRequest(s3Event, new TestContext("req-" + bucket));
      logged = logs.withMessage("malformed S3 event record ignored");
    }

    assertThat(r.malformedRecords()).isEqualTo(1);
    assertThat(r.objects())
        .singleElement()
        .extracting(ObjectOutcome::objectUri)
        .isEqualTo(uri(CDC_1));
    assertThat(outcome(r, uri(CDC_1)).status()).isEqualTo(ObjectOutcome.Status.COMPLETED);
    assertThat(ids(sent())).containsExactly("1");
    assertThat(logged)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(CapturedLogs.keyValues(e)).containsEntry("record", 1);
              assertThat(String.valueOf(CapturedLogs.keyValues(e).get("reason")))
                  .contains("bucket or key missing");
            });
  }

  // ---- a Kinesis record that is not our envelope: dead letter, the shard moves on ----

  static Stream<Arguments> notEnvelopes() {
    return Stream.of(
        Arguments.of("plain text", "hello from another producer".getBytes(StandardCharsets.UTF_8)),
        Arguments.of("JSON of another kind", "{\"id\": 7}".getBytes(StandardCharsets.UTF_8)),
        Arguments.of(
            "a DMS control record",
            ("{\"metadata\": {\"record-type\": \"control\", \"operation\": \"create-table\","
                    + " \"schema-name\": \"shop\", \"table-name\": \"orders\"}}")
                .getBytes(StandardCharsets.UTF_8)),
        Arguments.of("a cut envelope", Arrays.copyOf(envelope(2), 60)),
        Arguments.of(
            "a corrupt KPL aggregate",
            new byte[] {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2, 1, 2, 3}));
  }

  private static byte[] envelope(int id) {
    return CODEC.encode(
        ChangeRecord.builder()
            .operation(io.cdckinesis.core.Operation.INSERT)
            .table("shop", "orders")
            .primaryKey("id")
            .value("id", (long) id)
            .value("customer", "Customer " + id)
            .position("s3://dms/shop/orders/20240810-000000001.csv", id, id)
            .build());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("notEnvelopes")
  void aKinesisRecordThatIsNotOurEnvelopeIsDeadLetteredAndTheShardMovesOn(
      String name, byte[] garbage) throws Exception {
    List<byte[]> data = List.of(envelope(1), garbage, envelope(3));
    String shard = "shardId-000000000000";
    ArrayNode records = JSON.createArrayNode();
    for (int i = 0; i < data.size(); i++) {
      ObjectNode r = records.addObject();
      ObjectNode k = r.putObject("kinesis");
      k.put("kinesisSchemaVersion", "1.0");
      k.put("partitionKey", "shop.orders|" + i);
      k.put("sequenceNumber", "4965470000000000000000000000000000000000000000000010" + i);
      k.put("data", Base64.getEncoder().encodeToString(data.get(i)));
      k.put("approximateArrivalTimestamp", 1723231637.8);
      r.put("eventSource", "aws:kinesis");
      r.put("eventID", shard + ":" + k.get("sequenceNumber").asText());
      r.put("eventName", "aws:kinesis:record");
      r.put("eventSourceARN", "arn:aws:kinesis:us-east-1:123456789012:stream/" + stream);
    }
    ObjectNode root = JSON.createObjectNode();
    root.set("Records", records);
    KinesisEvent event =
        EventLoader.loadKinesisEvent(temp(JSON.writeValueAsBytes(root)).toString());
    MapReplica replica = new MapReplica();
    KinesisChangeHandler handler =
        new KinesisChangeHandler(
            CdcFunctions.consumer(
                FunctionEnvironment.from(env(NO_HEADER)),
                s3.client(),
                kinesis.client(),
                () -> null,
                TableHandlers.builder().defaultHandler(replica).build()),
            new CapturedMetrics().metrics());
    Instant before = Instant.now();

    StreamsEventResponse response = handler.handleRequest(event, new TestContext("req-consumer"));

    assertThat(response.getBatchItemFailures()).isEmpty();
    assertThat(ids(replica.applied)).containsExactly("1", "3");
    List<String> letters = keys("_cdc/dead-letter/");
    String sequence = "49654700000000000000000000000000000000000000000000101";
    String day = DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC).format(before);
    assertThat(letters)
        .singleElement()
        .satisfies(
            k ->
                assertThat(k)
                    .startsWith("_cdc/dead-letter/")
                    .endsWith("/" + shard + "/" + sequence + "-0.json")
                    .contains(day.substring(0, 4)));
    JsonNode letter = JSON.readTree(read(letters.get(0)));
    assertThat(letter.get("shardId").asText()).isEqualTo(shard);
    assertThat(letter.get("sequenceNumber").asText()).isEqualTo(sequence);
    assertThat(letter.get("subSequence").asInt()).isZero();
    assertThat(letter.get("reason").asText())
        .containsAnyOf("cannot decode", "corrupt aggregate")
        .doesNotContain(new String(garbage, StandardCharsets.UTF_8));
    assertThat(letter.get("errorType").asText()).startsWith("io.cdckinesis.");
    assertThat(letter.get("attempts").asInt()).isZero();
    assertThat(letter.has("sourceUri")).isFalse();
    assertThat(Base64.getDecoder().decode(letter.get("dataBase64").asText())).isEqualTo(garbage);
  }

  // ---- a damaged file never blocks the files of its table that follow it ----

  @Test
  void damagedFilesCountAsDoneSoTheTablesLaterFilesFlowInOrder() throws Exception {
    String load = "shop/orders/LOAD00000001.csv.gz";
    StringBuilder full = new StringBuilder();
    for (int id = 1; id <= 2_000; id++) {
      // Full-load rows have no Op field (IncludeOpForFullLoad is off).
      full.append(row("I", id, "Customer " + Integer.toHexString(id * 7919)).substring(2));
    }
    byte[] whole = gzip(full.toString());
    put(load, Arrays.copyOf(whole, whole.length / 2)); // truncated
    put(CDC_1, row("U", 1, "Ann") + row("U", 2, "Bo") + "U,3,\"never closed\n"); // quote open
    put(CDC_2, row("U", 1, "Ann") + row("U", 2, "Bo") + row("U", 3, "Cy"));
    S3ToKinesisHandler handler = producer(env(GZIP));

    // Events arrive newest first: the event of the newest change file sends the whole table in
    // order (full load, then change files); the damaged files count as done for the others to
    // follow, and the later events find nothing left.
    ProducerResult first = handler.handleRequest(event(CDC_2), new TestContext("req-1"));
    ProducerResult second = handler.handleRequest(event(load), new TestContext("req-2"));
    ProducerResult third = handler.handleRequest(event(CDC_1), new TestContext("req-3"));

    assertThat(first.objects())
        .extracting(ObjectOutcome::objectUri, ObjectOutcome::status)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                uri(load.substring(0, load.lastIndexOf('/') + 1)),
                ObjectOutcome.Status.GENERATION_STARTED),
            org.assertj.core.groups.Tuple.tuple(uri(load), ObjectOutcome.Status.DAMAGED),
            org.assertj.core.groups.Tuple.tuple(uri(CDC_1), ObjectOutcome.Status.DAMAGED),
            org.assertj.core.groups.Tuple.tuple(uri(CDC_2), ObjectOutcome.Status.COMPLETED));
    assertThat(second.objects()).isEmpty();
    assertThat(third.objects()).isEmpty();
    List<ChangeRecord> sent = sent();
    Map<String, List<String>> filesPerKey = new HashMap<>();
    for (ChangeRecord c : sent) {
      String file = c.position().objectUri();
      filesPerKey
          .computeIfAbsent(String.valueOf(c.value("id")), k -> new ArrayList<>())
          .add(file.substring(file.lastIndexOf('/') + 1));
    }
    assertThat(filesPerKey.get("1"))
        .containsExactly("LOAD00000001.csv.gz", "20240810-000000001.csv", "20240810-000000002.csv");
    assertThat(filesPerKey.get("3"))
        .as("row 3 of the first change file is damaged")
        .containsExactly("LOAD00000001.csv.gz", "20240810-000000002.csv");
    assertThat(rejects())
        .extracting(j -> j.get("objectUri").asText(), j -> j.get("reason").asText())
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(uri(load), "CORRUPT_COMPRESSION"),
            org.assertj.core.groups.Tuple.tuple(uri(CDC_1), "UNTERMINATED_QUOTE"));
  }
}
