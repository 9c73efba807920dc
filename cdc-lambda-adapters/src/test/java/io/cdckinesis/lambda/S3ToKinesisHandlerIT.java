package io.cdckinesis.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import io.cdckinesis.core.BadRowPolicy;
import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.DmsCsvReader;
import io.cdckinesis.core.DmsCsvSettings;
import io.cdckinesis.core.DmsFileReader;
import io.cdckinesis.core.DmsObjectKey;
import io.cdckinesis.core.EnvelopeCodec;
import io.cdckinesis.core.SourcePosition;
import io.cdckinesis.core.TableDefinitions;
import io.cdckinesis.core.spi.TableHandlers;
import io.cdckinesis.core.testing.Fixtures;
import io.cdckinesis.kinesis.PartitionKeys;
import io.cdckinesis.lambda.internal.CdcFunctions;
import io.cdckinesis.lambda.internal.S3Notifications;
import io.cdckinesis.local.LocalKinesis;
import io.cdckinesis.local.LocalS3;
import io.cdckinesis.pipeline.ObjectOutcome;
import io.cdckinesis.pipeline.ProducerResult;
import io.cdckinesis.pipeline.consumer.BatchResult;
import io.cdckinesis.pipeline.consumer.ChangeConsumer;
import io.cdckinesis.pipeline.consumer.StreamRecord;
import io.cdckinesis.s3.S3ObjectRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The producer function over real local servers: S3 events in, the real reader, sink and S3 stores,
 * records out on kinesalite, read back and consumed.
 */
class S3ToKinesisHandlerIT {

  /** The bucket of the event resource; every other test gets its own bucket. */
  private static final String EVENT_BUCKET = "dms-bucket";

  private static final String STATE = "cdc-state";
  private static final EnvelopeCodec CODEC = EnvelopeCodec.create();
  private static final AtomicInteger STREAMS = new AtomicInteger();

  private static final AtomicInteger BUCKETS = new AtomicInteger();

  /** Names this JVM's event files, so that the check below ignores other builds' files. */
  private static final String EVENT_FILE_PREFIX = "s3-event-" + ProcessHandle.current().pid() + "-";

  private static LocalS3 s3;
  private static LocalKinesis kinesis;
  private static Set<Path> eventFilesBefore;
  private String bucket;

  @BeforeEach
  void newBucket() {
    bucket = "dms-" + BUCKETS.incrementAndGet();
    s3.createBucket(bucket);
  }

  @BeforeAll
  static void start() {
    eventFilesBefore = eventFilesLeft();
    s3 = LocalS3.inMemory();
    kinesis = LocalKinesis.start();
    s3.createBucket(EVENT_BUCKET);
    s3.createBucket(STATE);
  }

  @AfterAll
  static void stop() {
    kinesis.close();
    s3.close();
    Set<Path> left = eventFilesLeft();
    left.removeAll(eventFilesBefore);
    assertThat(left).as("event files left in the temporary folder").isEmpty();
  }

  private static String newStream(int shards) {
    String name = "changes-" + STREAMS.incrementAndGet();
    kinesis.createStream(name, shards);
    return name;
  }

  private void upload(String key, Path file) {
    s3.client().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromFile(file));
  }

  private static String tablesJson() throws IOException {
    return Files.readString(Fixtures.dmsReal("tables.json"));
  }

  private static Map<String, String> env(String stream, String settingsJson) throws IOException {
    Map<String, String> env = new HashMap<>();
    env.put(FunctionEnvironment.STREAM_NAME, stream);
    env.put(FunctionEnvironment.STATE_BUCKET, STATE);
    env.put(FunctionEnvironment.DMS_SETTINGS, settingsJson);
    env.put(FunctionEnvironment.TABLES, tablesJson());
    env.put(FunctionEnvironment.CHECKPOINT_EVERY_ROWS, "200");
    env.put(FunctionEnvironment.STATE_PREFIX, "state-" + stream + "/");
    return env;
  }

  private static S3ToKinesisHandler handler(
      Map<String, String> vars,
      UnaryOperator<io.cdckinesis.core.spi.ChangeSink> sinks,
      List<String> continued) {
    FunctionEnvironment env = FunctionEnvironment.from(vars);
    return new S3ToKinesisHandler(
        CdcFunctions.producer(env, s3.client(), kinesis.client(), m -> {}, sinks),
        context -> continued::addAll,
        new CapturedMetrics().metrics());
  }

  /** An S3 notification for the keys, as the bucket would send it (one record per key). */
  private S3Event event(String... keys) {
    List<String> records = new ArrayList<>();
    for (String key : keys) {
      String one =
          new String(
              S3Notifications.json(List.of(S3ObjectRef.of(bucket, key))), StandardCharsets.UTF_8);
      records.add(one.substring(one.indexOf('[') + 1, one.lastIndexOf(']')));
    }
    return loadEvent("{\"Records\":[" + String.join(",", records) + "]}");
  }

  /** The event as Lambda's runtime deserializes it (EventLoader reads a file: a temporary one). */
  private static S3Event loadEvent(String json) {
    Path f = null;
    try {
      f = Files.createTempFile(EVENT_FILE_PREFIX, ".json");
      Files.writeString(f, json);
      return EventLoader.loadS3Event(f.toString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } finally {
      if (f != null) {
        try {
          Files.deleteIfExists(f);
        } catch (IOException e) {
          f.toFile().deleteOnExit();
        }
      }
    }
  }

  /** The event files this class wrote that are still in the temporary folder. */
  private static Set<Path> eventFilesLeft() {
    try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return files
          .filter(f -> f.getFileName().toString().startsWith(EVENT_FILE_PREFIX))
          .collect(Collectors.toSet());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What convert prints for a file: read straight from disk, positions named by the S3 URI. */
  private List<ChangeRecord> expected(String settingsJson, String key, Path file)
      throws IOException {
    DmsCsvSettings settings = DmsCsvSettings.fromJson(settingsJson, "test");
    DmsCsvReader reader =
        DmsCsvReader.builder()
            .settings(settings)
            .tables(TableDefinitions.fromJson(tablesJson(), "tables"))
            .badRowPolicy(BadRowPolicy.FAIL)
            .build();
    List<ChangeRecord> out = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file);
        DmsFileReader r =
            reader.open("s3://" + bucket + "/" + key, DmsObjectKey.parse(key, settings), in)) {
      for (ChangeRecord c; (c = r.read()) != null; ) {
        out.add(c);
      }
    }
    return out;
  }

  private static List<ChangeRecord> decoded(String stream) {
    return StreamReader.changes(StreamReader.readAll(kinesis.client(), stream), CODEC);
  }

  /** For every row key, the positions of its changes in stream order must rise. */
  private static void assertOrderPerKey(List<ChangeRecord> records) {
    Map<String, SourcePosition> last = new HashMap<>();
    for (ChangeRecord r : records) {
      SourcePosition before = last.put(PartitionKeys.of(r), r.position());
      if (before != null) {
        assertThat(r.position().compareTo(before))
            .as("order of %s", PartitionKeys.of(r))
            .isGreaterThanOrEqualTo(0);
      }
    }
  }

  private static final String NO_HEADER = "{\"S3Settings\": {\"BucketFolder\": \"dms exports/é\"}}";
  private static final String HEADER = "{\"S3Settings\": {\"AddColumnName\": true}}";
  private static final String HEADER_GZIP =
      "{\"S3Settings\": {\"AddColumnName\": true, \"CompressionType\": \"GZIP\"}}";

  @Test
  void sendsEveryObjectOfTheEventDecodingKeysAndIgnoringOtherObjects() throws Exception {
    bucket = EVENT_BUCKET;
    String stream = newStream(2);
    String load = "dms exports/é/classicmodels/customers/LOAD00000001.csv";
    String cdc = "dms exports/é/classicmodels/customers/20240809-192717787.csv";
    Path dir = Fixtures.dmsReal("mysql-classicmodels/classicmodels/customers");
    upload(load, dir.resolve("LOAD00000001.csv"));
    upload(cdc, dir.resolve("20240809-192717787.csv"));
    s3.client()
        .putObject(
            b -> b.bucket(bucket).key("dms exports/é/notes/read me.txt"),
            RequestBody.fromString("not data"));
    S3Event event = EventLoader.loadS3Event("events/s3-put-customers.json");

    ProducerResult result =
        handler(env(stream, NO_HEADER), UnaryOperator.identity(), new ArrayList<>())
            .handleRequest(event, new TestContext("req-1"));

    // Sending the full load also sends the change file waiting for it; its own entry then finds
    // it done.
    assertThat(result.objects())
        .filteredOn(o -> o.status() == ObjectOutcome.Status.COMPLETED)
        .extracting(ObjectOutcome::objectUri)
        .containsExactly("s3://" + bucket + "/" + load, "s3://" + bucket + "/" + cdc);
    assertThat(result.count(ObjectOutcome.Status.NOT_DMS_OBJECT)).isEqualTo(1);
    assertThat(result.records()).isEqualTo(126);
    List<ChangeRecord> expected =
        new ArrayList<>(expected(NO_HEADER, load, dir.resolve("LOAD00000001.csv")));
    expected.addAll(expected(NO_HEADER, cdc, dir.resolve("20240809-192717787.csv")));
    List<ChangeRecord> got = decoded(stream);
    assertThat(got).containsExactlyInAnyOrderElementsOf(expected);
    assertOrderPerKey(got);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void everyFixtureReadsBackAsConvertPrintsIt(boolean aggregate) throws Exception {
    String stream = newStream(4);
    record Set(String settings, String dir) {}
    List<Set> sets =
        List.of(
            new Set("{}", "mysql-classicmodels"),
            new Set(HEADER, "oracle-hr"),
            new Set(HEADER_GZIP, "garment-erp"));
    List<ChangeRecord> expected = new ArrayList<>();
    List<ChangeRecord> got = new ArrayList<>();
    for (Set set : sets) {
      Path root = Fixtures.dmsReal(set.dir());
      List<String> keys = new ArrayList<>();
      try (var files = Files.walk(root)) {
        // Uploaded as DMS writes them: full load first (a change file with an older LastModified
        // than the full load would read as written before a reload).
        Comparator<Path> dmsWriteOrder =
            Comparator.comparing((Path p) -> !p.getFileName().toString().startsWith("LOAD"))
                .thenComparing(Comparator.naturalOrder());
        for (Path f : files.filter(Files::isRegularFile).sorted(dmsWriteOrder).toList()) {
          String key = root.relativize(f).toString().replace('\\', '/');
          upload(key, f);
          keys.add(key);
          expected.addAll(expected(set.settings(), key, f));
        }
      }
      Map<String, String> vars = env(stream, set.settings());
      vars.put(FunctionEnvironment.AGGREGATE, Boolean.toString(aggregate));
      ProducerResult r =
          handler(vars, UnaryOperator.identity(), new ArrayList<>())
              .handleRequest(
                  event(keys.toArray(String[]::new)), new TestContext("req-" + set.dir()));
      assertThat(r.objects())
          .allMatch(
              o ->
                  o.status() == ObjectOutcome.Status.COMPLETED
                      || o.status() == ObjectOutcome.Status.GENERATION_STARTED);
      assertThat(r.count(ObjectOutcome.Status.COMPLETED)).isEqualTo(keys.size());
    }
    got.addAll(decoded(stream));

    assertThat(got).hasSize(expected.size()).containsExactlyInAnyOrderElementsOf(expected);
    assertOrderPerKey(got);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "oracle-hr/HR/EMPLOYEES/LOAD00000001.csv", // uncompressed: resumed by a ranged read
        "garment-erp/ERP/SC_HD/20180831-021912942.csv.gz" // gzip: re-read, rows done skipped
      })
  void aCrashedRunResumesFromItsCheckpointAndTheConsumerSkipsTheDuplicates(String fixture)
      throws Exception {
    String stream = newStream(2);
    String settings = fixture.endsWith(".gz") ? HEADER_GZIP : HEADER;
    String key = fixture.substring(fixture.indexOf('/') + 1);
    Path file = Fixtures.dmsReal(fixture);
    upload(key, file);
    List<ChangeRecord> source = expected(settings, key, file);
    Map<String, String> vars = env(stream, settings);
    vars.put(FunctionEnvironment.CHECKPOINT_EVERY_ROWS, fixture.endsWith(".gz") ? "20" : "200");
    long crashAt = source.size() * 2 / 3;
    AtomicLong writes = new AtomicLong();
    S3ToKinesisHandler handler =
        handler(vars, sink -> new CrashingSink(sink, writes, crashAt), new ArrayList<>());
    S3Event event = event(key);

    assertThatThrownBy(() -> handler.handleRequest(event, new TestContext("req-A")))
        .isInstanceOf(CrashingSink.SimulatedCrash.class);
    ProducerResult retry = handler.handleRequest(event, new TestContext("req-A"));

    assertThat(retry.objects())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.status()).isEqualTo(ObjectOutcome.Status.COMPLETED);
              assertThat(o.rows()).isLessThan(source.size()); // resumed, not restarted
            });
    List<StreamRecord> onStream = StreamReader.readAll(kinesis.client(), stream);
    List<ChangeRecord> sent = StreamReader.changes(onStream, CODEC);
    assertThat(sent).containsAll(source);
    int duplicates = sent.size() - source.size();
    assertThat(duplicates)
        .as("at most one checkpoint interval is resent")
        .isBetween(0, Integer.parseInt(vars.get(FunctionEnvironment.CHECKPOINT_EVERY_ROWS)));
    assertOrderPerKey(sent);

    MapReplica replica = new MapReplica();
    ChangeConsumer consumer =
        CdcFunctions.consumer(
            FunctionEnvironment.from(vars),
            s3.client(),
            kinesis.client(),
            () -> null,
            TableHandlers.builder().defaultHandler(replica).build());
    BatchResult consumed = consumer.process(onStream);

    assertThat(consumed.failedSequenceNumbers()).isEmpty();
    assertThat(consumed.duplicates()).isEqualTo(duplicates);
    assertThat(replica.applied).hasSize(source.size());
    assertThat(replica.rows).isEqualTo(MapReplica.stateOf(source));
  }

  @Test
  void continuesInANewInvocationWhenTimeRunsLow() throws Exception {
    String stream = newStream(1);
    String key = "HR/EMPLOYEES/LOAD00000001.csv";
    Path file = Fixtures.dmsReal("oracle-hr/" + key);
    upload(key, file);
    Map<String, String> vars = env(stream, HEADER);
    vars.put(FunctionEnvironment.TIME_RESERVE_MS, "1000");
    List<String> continued = new ArrayList<>();
    S3ToKinesisHandler handler = handler(vars, UnaryOperator.identity(), continued);
    AtomicInteger calls = new AtomicInteger();

    ProducerResult first =
        handler.handleRequest(
            event(key),
            new TestContext("req-1", () -> calls.incrementAndGet() > 700 ? 500 : 900_000));

    assertThat(first.objects())
        .filteredOn(o -> o.status() != ObjectOutcome.Status.GENERATION_STARTED)
        .singleElement()
        .extracting(ObjectOutcome::status)
        .isEqualTo(ObjectOutcome.Status.CONTINUED);
    assertThat(continued).containsExactly(S3ObjectRef.of(bucket, key).uri());
    S3Event continuation =
        loadEvent(
            new String(
                S3Notifications.json(continued.stream().map(S3ObjectRef::parse).toList()),
                StandardCharsets.UTF_8));
    ProducerResult second = handler.handleRequest(continuation, new TestContext("req-2"));

    assertThat(second.objects())
        .singleElement()
        .extracting(ObjectOutcome::status)
        .isEqualTo(ObjectOutcome.Status.COMPLETED);
    assertThat(first.rows() + second.rows()).isEqualTo(1900);
    assertThat(decoded(stream)).containsExactlyInAnyOrderElementsOf(expected(HEADER, key, file));
  }

  @Test
  void aLiveLeaseLeavesTheTableToItsHolderAndTheRetryOfTheCrashedRunContinuesAtOnce()
      throws Exception {
    String stream = newStream(1);
    String key = "HR/EMPLOYEES/LOAD00000001.csv";
    upload(key, Fixtures.dmsReal("oracle-hr/" + key));
    Map<String, String> vars = env(stream, HEADER);
    vars.put(FunctionEnvironment.CHECKPOINT_EVERY_ROWS, "5");
    AtomicLong writes = new AtomicLong();
    S3ToKinesisHandler crashing =
        handler(vars, s -> new CrashingSink(s, writes, 12), new ArrayList<>());
    S3ToKinesisHandler healthy = handler(vars, UnaryOperator.identity(), new ArrayList<>());

    assertThatThrownBy(() -> crashing.handleRequest(event(key), new TestContext("req-A")))
        .isInstanceOf(CrashingSink.SimulatedCrash.class);
    // A duplicate event while A's lease on the table is live: B leaves the table to A (its
    // retry, or the sweep once the lease runs out) and reports success.
    ProducerResult b = healthy.handleRequest(event(key), new TestContext("req-B"));
    ProducerResult retryA = healthy.handleRequest(event(key), new TestContext("req-A"));
    ProducerResult laterB = healthy.handleRequest(event(key), new TestContext("req-B"));

    assertThat(b.objects())
        .extracting(ObjectOutcome::status)
        .containsExactly(ObjectOutcome.Status.PENDING_ELSEWHERE);
    assertThat(retryA.objects())
        .extracting(ObjectOutcome::status)
        .containsExactly(ObjectOutcome.Status.COMPLETED);
    assertThat(laterB.objects()).isEmpty();
    assertThat(new java.util.HashSet<>(decoded(stream))).hasSize(1900);
  }

  @Test
  void aChangeFileLeftByACrashedRunIsTakenOverOnceItsLeaseRunsOut() throws Exception {
    String stream = newStream(1);
    String key = "HR/EMPLOYEES/20190118-184518184.csv";
    upload(key, Fixtures.dmsReal("oracle-hr/" + key));
    Map<String, String> vars = env(stream, HEADER);
    vars.put(FunctionEnvironment.CHECKPOINT_EVERY_ROWS, "5");
    vars.put(FunctionEnvironment.LEASE_MS, "1500");
    AtomicLong writes = new AtomicLong();
    S3ToKinesisHandler crashing =
        handler(vars, s -> new CrashingSink(s, writes, 12), new ArrayList<>());
    S3ToKinesisHandler healthy = handler(vars, UnaryOperator.identity(), new ArrayList<>());

    assertThatThrownBy(() -> crashing.handleRequest(event(key), new TestContext("req-A")));
    Thread.sleep(1600);
    // B resumes the file from A's last checkpoint.
    ProducerResult b = healthy.handleRequest(event(key), new TestContext("req-B"));

    assertThat(b.objects().get(0).status()).isEqualTo(ObjectOutcome.Status.COMPLETED);
    assertThat(b.objects().get(0).rows()).isLessThan(17);
    assertThat(new java.util.HashSet<>(decoded(stream))).hasSize(17);
  }

  @Test
  void aFailedObjectHoldsBackTheLaterObjectsOfItsTable() throws Exception {
    String stream = newStream(2);
    String load = "HR/EMPLOYEES/LOAD00000001.csv";
    String cdc = "HR/EMPLOYEES/20190118-184518184.csv";
    upload(load, Fixtures.dmsReal("oracle-hr/" + load));
    upload(cdc, Fixtures.dmsReal("oracle-hr/" + cdc));
    AtomicLong writes = new AtomicLong();
    S3ToKinesisHandler handler =
        handler(env(stream, HEADER), s -> new CrashingSink(s, writes, 100), new ArrayList<>());

    // The event lists the change file first; the load file goes first and fails.
    assertThatThrownBy(() -> handler.handleRequest(event(cdc, load), new TestContext("req-1")));

    assertThat(decoded(stream))
        .as("nothing of the change file may overtake the unfinished load file")
        .allMatch(r -> r.position().objectUri().endsWith(load));
    ProducerResult retry = handler.handleRequest(event(cdc, load), new TestContext("req-1"));
    assertThat(retry.objects())
        .filteredOn(o -> o.status() == ObjectOutcome.Status.COMPLETED)
        .extracting(ObjectOutcome::objectUri)
        .containsExactly("s3://" + bucket + "/" + load, "s3://" + bucket + "/" + cdc);
    assertOrderPerKey(decoded(stream));
  }

  private static String customer(String op, int id, int limit) {
    return (op.isEmpty() ? "" : op + ",")
        + id
        + ",Shop "
        + id
        + ",Last,First,555,Street 1,,Nantes,,44000,France,1370,"
        + limit
        + ".00\n";
  }

  @Test
  void changeFilesOfATableGoOutInOrderWhateverOrderTheirEventsArriveIn() throws Exception {
    String stream = newStream(2);
    String folder = "classicmodels/customers/";
    StringBuilder load = new StringBuilder();
    for (int id = 1; id <= 10; id++) {
      load.append(customer("", id, 0));
    }
    List<String> keys = new ArrayList<>();
    keys.add(folder + "LOAD00000001.csv");
    s3.client()
        .putObject(b -> b.bucket(bucket).key(keys.get(0)), RequestBody.fromString(load.toString()));
    for (int file = 1; file <= 6; file++) {
      StringBuilder cdc = new StringBuilder();
      for (int id = 1; id <= 10; id++) {
        cdc.append(customer("U", id, file));
      }
      String key = folder + "20240809-1927" + (10 + file) + "000.csv";
      keys.add(key);
      s3.client().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(cdc.toString()));
    }
    Map<String, String> vars = env(stream, "{}");
    S3ToKinesisHandler handler = handler(vars, UnaryOperator.identity(), new ArrayList<>());
    List<String> arrival = new ArrayList<>(keys);
    java.util.Collections.reverse(arrival); // newest change file first, the full load last
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(4);
    List<java.util.concurrent.Future<ProducerResult>> runs = new ArrayList<>();
    for (String key : arrival) {
      runs.add(pool.submit(() -> handler.handleRequest(event(key), new TestContext("req-" + key))));
    }
    List<ObjectOutcome> outcomes = new ArrayList<>();
    for (var run : runs) {
      outcomes.addAll(run.get().objects());
    }
    pool.shutdown();

    assertThat(outcomes)
        .filteredOn(o -> o.status() == ObjectOutcome.Status.COMPLETED)
        .extracting(ObjectOutcome::objectUri)
        .containsExactlyInAnyOrderElementsOf(
            keys.stream().map(k -> "s3://" + bucket + "/" + k).toList());
    List<ChangeRecord> sent = decoded(stream);
    assertThat(sent).hasSize(70);
    Map<String, List<Object>> limitsPerKey = new LinkedHashMap<>();
    for (ChangeRecord r : sent) {
      limitsPerKey
          .computeIfAbsent(PartitionKeys.of(r), k -> new ArrayList<>())
          .add(r.value("creditLimit"));
    }
    assertThat(limitsPerKey.values())
        .as("each key's changes on the stream in source order, once each")
        .allSatisfy(
            limits ->
                assertThat(limits)
                    .containsExactly("0.00", "1.00", "2.00", "3.00", "4.00", "5.00", "6.00"));
  }

  @Test
  void badRowsGoToTheRejectsLocationAndGoodRowsFlow() throws Exception {
    String stream = newStream(1);
    String key = "classicmodels/customers/20240810-000000000.csv";
    String csv =
        "I,900,A Co,B,C,1,Street,,City,,1,FR,1,10.00\n"
            + "I,901,too few fields\n"
            + "X,902,A Co,B,C,1,Street,,City,,1,FR,1,10.00\n"
            + "U,900,A Co,B,C,1,Street,,City,,1,FR,1,20.00\n";
    s3.client().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(csv));

    ProducerResult r =
        handler(env(stream, "{}"), UnaryOperator.identity(), new ArrayList<>())
            .handleRequest(event(key), new TestContext("req-rejects"));

    assertThat(r.records()).isEqualTo(2);
    assertThat(r.rejected()).isEqualTo(2);
    List<String> rejectKeys =
        s3.client().listObjectsV2(b -> b.bucket(STATE).prefix("_cdc/rejects/")).contents().stream()
            .map(o -> o.key())
            .toList();
    assertThat(rejectKeys).singleElement().asString().contains("20240810-000000000.csv");
    String lines =
        s3.client()
            .getObjectAsBytes(b -> b.bucket(STATE).key(rejectKeys.get(0)))
            .asString(StandardCharsets.UTF_8);
    assertThat(lines.lines()).hasSize(2);
    assertThat(lines)
        .contains("\"line\":2", "WRONG_FIELD_COUNT", "I,901,too few fields")
        .contains("\"line\":3", "UNKNOWN_OPERATION");
    assertThat(decoded(stream))
        .extracting(c -> c.value("customerNumber"))
        .containsExactly("900", "900");
  }

  @Test
  void malformedEventRecordsAreCountedNotRetried() throws Exception {
    S3Event event = EventLoader.loadS3Event("events/s3-put-malformed.json");

    ProducerResult r =
        handler(env(newStream(1), "{}"), UnaryOperator.identity(), new ArrayList<>())
            .handleRequest(event, new TestContext("req-bad"));

    assertThat(r.malformedRecords()).isEqualTo(1);
    assertThat(r.objects()).isEmpty();
  }

  @Test
  void aRowOverTheRecordLimitTravelsByClaimCheck(@TempDir Path tmp) throws Exception {
    String stream = newStream(1);
    String key = "classicmodels/customers/20240811-000000000.csv";
    String big = "x".repeat(6000);
    String csv =
        "I,950,\""
            + big
            + "\",B,C,1,Street,,City,,1,FR,1,10.00\nU,950,small,B,C,1,S,,C,,1,FR,1,11.00\n";
    s3.client().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(csv));
    Map<String, String> vars = env(stream, "{}");
    vars.put(FunctionEnvironment.MAX_RECORD_BYTES, "4096");

    handler(vars, UnaryOperator.identity(), new ArrayList<>())
        .handleRequest(event(key), new TestContext("req-big"));
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
    assertThat(replica.applied)
        .extracting(c -> c.value("customerName"))
        .containsExactly(big, "small");
    assertThat(s3.client().listObjectsV2(b -> b.bucket(STATE).prefix("_cdc/oversize/")).keyCount())
        .isEqualTo(1);
  }
}
