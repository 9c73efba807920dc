package io.cdckinesis.examples.demo;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdckinesis.core.ColumnType;
import io.cdckinesis.core.DmsCsvSettings;
import io.cdckinesis.core.TableDefinition;
import io.cdckinesis.core.TableId;
import io.cdckinesis.core.spi.TableHandlers;
import io.cdckinesis.kinesis.KinesisChangeSink;
import io.cdckinesis.kinesis.SinkMetrics;
import io.cdckinesis.lambda.FunctionEnvironment;
import io.cdckinesis.lambda.KinesisChangeHandler;
import io.cdckinesis.lambda.S3ToKinesisHandler;
import io.cdckinesis.lambda.SweepHandler;
import io.cdckinesis.lambda.internal.CdcFunctions;
import io.cdckinesis.lambda.internal.S3Notifications;
import io.cdckinesis.local.LocalKinesis;
import io.cdckinesis.local.LocalS3;
import io.cdckinesis.local.dms.DmsS3Writer;
import io.cdckinesis.local.dms.SourceChange;
import io.cdckinesis.local.dms.SourceDatabase;
import io.cdckinesis.local.dms.SourceTable;
import io.cdckinesis.local.faults.FaultCounts;
import io.cdckinesis.local.faults.FaultInjector;
import io.cdckinesis.local.faults.FaultPlan;
import io.cdckinesis.pipeline.ObjectOutcome;
import io.cdckinesis.pipeline.ProducerEngine;
import io.cdckinesis.pipeline.ProducerResult;
import io.cdckinesis.s3.S3ObjectRef;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The whole pipeline on local servers: a simulated source database written to S3 as DMS would, the
 * real producer function invoked with the S3 events a bucket notification sends, the real consumer
 * function fed by a local event source mapping, a replica kept in a database by {@link
 * io.cdckinesis.jdbc.JdbcTableHandler}, and the replica compared with the source by SQL at the end.
 *
 * <p>The DMS situations ({@link Situation}) play on the first table of each shape: {@code
 * dbo.customers} (a LOB column, a column added), {@code sales.orders} (loaded in segments,
 * reloaded), {@code inventory.stock} (loaded by partitions, truncated).
 *
 * <p>Two DMS endpoints write the tables with different settings, as two replication tasks would:
 * {@code hq/} with a header, Op for the full load, a commit-timestamp column and gzip; {@code
 * legacy/} without a header (columns from table definitions), CRLF rows and no compression.
 */
public final class DemoPipeline {

  static final String DMS_BUCKET = "dms-target";
  static final String STATE_BUCKET = "cdc-state";
  static final String STREAM = "cdc-demo";

  /** A crashed run holds its table this long; short, so that the sweep gets on quickly. */
  private static final Duration LEASE = Duration.ofSeconds(3);

  /** The sweep's period: EventBridge runs it every few minutes; scaled down. */
  private static final Duration SWEEP_PERIOD = Duration.ofSeconds(1);

  /** Gives up waiting for the producers after this many sweeps that still found work. */
  private static final int MAX_SWEEPS = 600;

  /** Lambda retries a failed asynchronous invocation after about 1, then 2 minutes; scaled down. */
  private static final long RETRY_DELAY_MILLIS = 200;

  static final TableId CUSTOMERS = TableId.of("dbo", "customers");
  static final TableId ORDERS = TableId.of("sales", "orders");
  static final TableId STOCK = TableId.of("inventory", "stock");

  /** The column the demo adds to {@link #CUSTOMERS} during CDC. */
  static final String ADDED_COLUMN = "loyalty_tier";

  /** What DMS writes for a column it did not get ({@code CsvNoSupValue}). */
  static final String NO_SUP_VALUE = "~NOSUP~";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final PojoSerializer<S3Event> S3_EVENTS =
      LambdaEventSerializers.serializerFor(S3Event.class, DemoPipeline.class.getClassLoader());

  private final DemoOptions options;
  private final Progress progress;

  DemoPipeline(DemoOptions options, Progress progress) {
    this.options = Objects.requireNonNull(options, "options");
    this.progress = progress;
  }

  /** Runs the demo with progress on standard error. */
  public static DemoReport run(DemoOptions options, boolean terminal) throws InterruptedException {
    try (Progress p = new Progress(System.err, terminal)) {
      return new DemoPipeline(options, p).run();
    }
  }

  /** One DMS endpoint: its settings, its tables, and the producer function notified for it. */
  private static final class Endpoint {
    final String name;
    final DmsCsvSettings settings;
    final List<SourceTable> tables = new ArrayList<>();
    DmsS3Writer writer;
    LocalAsyncFunction<S3Event> producer;
    SweepHandler sweep;

    Endpoint(String name, DmsCsvSettings settings) {
      this.name = name;
      this.settings = settings;
    }

    boolean has(TableId table) {
      return tables.stream().anyMatch(t -> t.id().equals(table));
    }
  }

  DemoReport run() throws InterruptedException {
    long start = System.nanoTime();
    FaultInjector faults =
        FaultInjector.of(
            options.faults() == null
                ? FaultPlan.none()
                // The run's seed, unless the spec names its own (later items win).
                : FaultPlan.parse("seed=" + options.seed() + "," + options.faults()));
    if (!faults.plan().isNone()) {
      progress.phase("injecting faults: " + faults.plan().describe());
    }
    SourceDatabase db = new SourceDatabase(options.seed(), options.tables());
    db.populate(options.rows());
    progress.phase(
        "starting local S3 (s3proxy) and Kinesis (kinesalite)"
            + (options.keep() != null ? ", data kept in " + options.keep() : ""));
    try (JdbcReplica replica = JdbcReplica.open(options.replica(), options.keep(), db);
        LocalS3 s3 =
            options.keep() != null
                ? LocalS3.onDisk(options.keep().resolve("s3"))
                : LocalS3.inMemory();
        LocalKinesis kinesis = LocalKinesis.start()) {
      s3.createBucket(DMS_BUCKET);
      s3.createBucket(STATE_BUCKET);
      kinesis.createStream(STREAM, options.shards());
      return runOn(s3, kinesis, faults, start, db, replica);
    }
  }

  /**
   * The functions talk to S3 and Kinesis through the fault-injecting HTTP client (when faults are
   * asked for); setting up and checking use clean clients.
   */
  private DemoReport runOn(
      LocalS3 s3,
      LocalKinesis kinesis,
      FaultInjector faults,
      long start,
      SourceDatabase db,
      JdbcReplica replica)
      throws InterruptedException {
    if (faults.plan().isNone()) {
      return runOn(s3, kinesis, s3.client(), kinesis.client(), faults, start, db, replica);
    }
    try (SdkHttpClient http = faults.httpClient();
        S3Client s3Client = s3.clientBuilder().httpClient(http).build();
        KinesisClient kinesisClient = kinesis.clientBuilder().httpClient(http).build()) {
      return runOn(s3, kinesis, s3Client, kinesisClient, faults, start, db, replica);
    }
  }

  private DemoReport runOn(
      LocalS3 s3,
      LocalKinesis kinesis,
      S3Client functionS3,
      KinesisClient functionKinesis,
      FaultInjector faults,
      long start,
      SourceDatabase db,
      JdbcReplica replica)
      throws InterruptedException {
    List<Endpoint> endpoints = endpoints(db);
    EmfTotals producerMetrics = new EmfTotals();
    EmfTotals consumerMetrics = new EmfTotals();
    List<KinesisChangeSink> sinks = Collections.synchronizedList(new ArrayList<>());
    CrashPlan crashes = new CrashPlan(faults);
    List<ProducerResult> results = Collections.synchronizedList(new ArrayList<>());
    for (Endpoint e : endpoints) {
      e.writer = new DmsS3Writer(s3.client(), DMS_BUCKET, e.settings, 1_000, db.tables());
      FunctionEnvironment env = FunctionEnvironment.from(producerVariables(e));
      LocalAsyncFunction<S3Event>[] self = newArray();
      ProducerEngine engine =
          CdcFunctions.producer(
              env,
              functionS3,
              functionKinesis,
              m -> {},
              sink -> {
                sinks.add((KinesisChangeSink) sink);
                return crashes.wrap(sink);
              });
      S3ToKinesisHandler handler =
          new S3ToKinesisHandler(
              engine,
              context ->
                  uris ->
                      self[0].invokeAsync(event(uris.stream().map(S3ObjectRef::parse).toList())),
              producerMetrics.metrics());
      e.sweep =
          new SweepHandler(
              engine,
              DMS_BUCKET,
              context ->
                  uris ->
                      self[0].invokeAsync(event(uris.stream().map(S3ObjectRef::parse).toList())),
              producerMetrics.metrics());
      e.producer =
          new LocalAsyncFunction<>(
              "cdc-producer-" + e.name,
              (ev, ctx) -> record(results, handler.handleRequest(ev, ctx)),
              4,
              900_000,
              2,
              RETRY_DELAY_MILLIS);
      self[0] = e.producer;
    }

    progress.phase("replica: " + replica.description());
    FlakyTableHandler handler = new FlakyTableHandler(replica.handler(), faults);
    KinesisChangeHandler consumer =
        new KinesisChangeHandler(
            CdcFunctions.consumer(
                FunctionEnvironment.from(consumerVariables(db)),
                functionS3,
                functionKinesis,
                () -> null, // no position store: the JDBC handler keeps positions with its rows
                TableHandlers.builder().defaultHandler(handler).build()),
            consumerMetrics.metrics());
    LocalEventSourceMapping mapping =
        new LocalEventSourceMapping(kinesis.client(), STREAM, consumer, 100, 10);
    AtomicBoolean producersDone = new AtomicBoolean();
    Thread consuming = new Thread(() -> runMapping(mapping, producersDone), "demo-consumer");
    consuming.setDaemon(true);
    consuming.start();

    AtomicLong files = new AtomicLong();
    AtomicLong events = new AtomicLong();
    List<Runnable> later = new ArrayList<>();
    progress.status(
        () ->
            String.format(
                "files %,d · producer invocations %,d · records sent %,d · changes handed over %,d",
                files.get(),
                endpoints.stream().mapToLong(e -> e.producer.invocations()).sum(),
                sum(sinks).recordsWritten(),
                consumerMetrics.total("Applied")));

    LocalDateTime now = LocalDateTime.of(2026, 11, 24, 9, 0);
    List<String> played = new ArrayList<>();
    progress.phase(
        String.format(
            "full load: %d tables x %,d rows written as DMS LOAD files, S3 events sent",
            options.tables(), options.rows()));
    for (Endpoint e : endpoints) {
      for (SourceTable t : e.tables) {
        List<DmsS3Writer.WrittenFile> written = writeLoad(e, t, now, played);
        for (DmsS3Writer.WrittenFile f : written) {
          notify(e, f.key(), f.rows(), crashes, faults, events, later);
        }
        files.addAndGet(written.size());
      }
    }

    int batches = options.cdcBatches();
    progress.phase(
        String.format(
            "changes: %,d inserts, updates and deletes at the source, written as %d CDC batches",
            options.changes(), batches));
    int per = Math.max(1, (int) Math.ceil(options.changes() / (double) batches));
    long changed = 0;
    long unsupplied = 0;
    for (int b = 0; b < batches && (changed < options.changes() || b == 0); b++) {
      ddlBefore(b, db, endpoints, crashes, faults, events, later, files, played);
      List<SourceChange> batch = db.change((int) Math.min(per, options.changes() - changed));
      changed += batch.size();
      if (batch.isEmpty()) {
        continue;
      }
      LocalDateTime writtenAt = batch.get(batch.size() - 1).commitTime().plusSeconds(1);
      for (Endpoint e : endpoints) {
        List<SourceChange> mine = new ArrayList<>();
        for (SourceChange c : batch) {
          if (e.has(c.table())) {
            mine.add(c);
            if (!c.unsupplied().isEmpty() && e.settings.noSupValue() != null) {
              unsupplied++;
            }
          }
        }
        if (mine.isEmpty()) {
          continue;
        }
        for (DmsS3Writer.WrittenFile f : e.writer.writeCdcFiles(mine, writtenAt)) {
          notify(e, f.key(), f.rows(), crashes, faults, events, later);
          files.incrementAndGet();
        }
      }
    }
    if (unsupplied > 0) {
      played.add(
          String.format(
              "LOB %s.notes not supplied (CsvNoSupValue) in %,d updates", CUSTOMERS, unsupplied));
    }

    if (!later.isEmpty()) {
      progress.phase("delivering " + later.size() + " duplicate S3 events late");
      later.forEach(Runnable::run);
    }
    progress.phase("waiting for the producer function to send every file");
    // Events Lambda gave up on after its retries go to the on-failure destination; nobody needs to
    // redrive them: the sweep (EventBridge, every few minutes; here every second) lists every
    // table and sends whatever is pending.
    long sweeps = 0;
    long dropped = 0;
    boolean announced = false;
    for (int round = 0; round < MAX_SWEEPS; round++) {
      for (Endpoint e : endpoints) {
        e.producer.awaitIdle();
        dropped += e.producer.drainFailures().size();
      }
      boolean work = false;
      for (Endpoint e : endpoints) {
        java.util.Optional<ProducerResult> swept = sweep(e, results);
        sweeps++;
        work |= swept.map(r -> !r.objects().isEmpty()).orElse(true);
      }
      if (!work) {
        break;
      }
      if (!announced) {
        progress.phase(
            "the sweep finds tables with pending files (crashed runs, events given up) and sends"
                + " them");
        announced = true;
      }
      Thread.sleep(SWEEP_PERIOD.toMillis());
    }
    producersDone.set(true);
    progress.phase("waiting for the consumer function to catch up with the stream");
    consuming.join();

    progress.phase("comparing the consumer's replica with the source");
    List<String> differences = new ArrayList<>(replica.compare(db));
    JdbcReplica.AppliedChanges applied = replica.appliedChanges();
    if (applied.appliedMoreThanOnce() > 0) {
      differences.add(applied.appliedMoreThanOnce() + " changes took effect more than once");
    }
    if (!differences.isEmpty()) {
      for (Endpoint e : endpoints) {
        for (ObjectOutcome o : sweep(e, results).map(ProducerResult::objects).orElse(List.of())) {
          differences.add("still pending after the producers stopped: " + o);
        }
      }
      if (dropped > 0) {
        differences.add(dropped + " events were given up by Lambda's retries");
      }
    }
    SinkMetrics sent = sum(sinks);
    long invocations = 0;
    long retries = 0;
    for (Endpoint e : endpoints) {
      invocations += e.producer.invocations();
      retries += e.producer.retries();
    }
    long continued = 0;
    long rejected = 0;
    synchronized (results) {
      for (ProducerResult r : results) {
        continued += r.count(ObjectOutcome.Status.CONTINUED);
        rejected += r.rejected();
      }
    }
    FaultCounts injected = faults.plan().isNone() ? null : faults.counts();
    return new DemoReport(
        options.tables(),
        (long) options.rows() * options.tables(),
        changed,
        options.shards(),
        options.aggregate(),
        files.get(),
        events.get(),
        invocations,
        retries,
        sweeps,
        continued,
        rejected,
        sent.recordsWritten(),
        sent.kinesisRecordsWritten(),
        sent.putRecordsCalls(),
        sent.retriedEntries(),
        sent.throttledEntries(),
        mapping.invocations(),
        mapping.retriedBatches(),
        applied.applied(),
        consumerMetrics.total("Applied"),
        consumerMetrics.total("DeadLettered") + mapping.failedBatches().size(),
        injected,
        played,
        replica.description(),
        differences,
        Duration.ofNanos(System.nanoTime() - start));
  }

  private void notify(
      Endpoint e,
      String key,
      long rows,
      CrashPlan crashes,
      FaultInjector faults,
      AtomicLong events,
      List<Runnable> later) {
    S3ObjectRef ref = S3ObjectRef.of(DMS_BUCKET, key);
    crashes.plan(ref.uri(), rows);
    e.producer.invokeAsync(event(List.of(ref)));
    events.incrementAndGet();
    if (faults.plan().duplicateEvents()) {
      // S3 delivers at least once: the same event again at once (running concurrently) and once
      // more later, after newer files of the table.
      e.producer.invokeAsync(event(List.of(ref)));
      later.add(() -> e.producer.invokeAsync(event(List.of(ref))));
      faults.recordDuplicateEvent();
      faults.recordDuplicateEvent();
      events.addAndGet(2);
    }
  }

  private static S3Event event(List<S3ObjectRef> objects) {
    return S3_EVENTS.fromJson(new ByteArrayInputStream(S3Notifications.json(objects)));
  }

  private static S3Event deleteEvent(S3ObjectRef object) {
    return S3_EVENTS.fromJson(
        new ByteArrayInputStream(S3Notifications.json(List.of(object), "ObjectRemoved:Delete")));
  }

  private static Object record(List<ProducerResult> results, ProducerResult r) {
    results.add(r);
    return r;
  }

  @SuppressWarnings("unchecked")
  private static LocalAsyncFunction<S3Event>[] newArray() {
    return new LocalAsyncFunction[1];
  }

  private void runMapping(LocalEventSourceMapping mapping, AtomicBoolean producersDone) {
    try {
      mapping.run(producersDone::get);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Writes a table's full load: by ranges ({@code SEGMENT<n>_}) for {@link #ORDERS} and by
   * partitions (a subfolder per region) for {@link #STOCK} when the demo plays {@link
   * Situation#PARALLEL_LOAD}, in plain {@code LOAD} files otherwise.
   */
  private List<DmsS3Writer.WrittenFile> writeLoad(
      Endpoint e, SourceTable t, LocalDateTime at, List<String> played) {
    List<List<Object>> rows = new ArrayList<>(t.rows().values());
    if (options.situations().contains(Situation.PARALLEL_LOAD) && t.id().equals(ORDERS)) {
      int half = rows.size() / 2;
      List<DmsS3Writer.WrittenFile> written =
          e.writer.writeSegmentedLoad(
              t.id(), List.of(rows.subList(0, half), rows.subList(half, rows.size())), at);
      played.add(
          String.format(
              "parallel load of %s by ranges: 2 segments, %d SEGMENT files",
              t.id(), written.size()));
      return written;
    }
    if (options.situations().contains(Situation.PARALLEL_LOAD)
        && t.id().equals(STOCK)
        && !rows.isEmpty()) {
      Map<String, List<List<Object>>> partitions = new java.util.TreeMap<>();
      int region = t.columns().indexOf("region");
      for (List<Object> row : rows) {
        partitions
            .computeIfAbsent(
                "region_" + row.get(region).toString().toLowerCase(java.util.Locale.ROOT),
                p -> new ArrayList<>())
            .add(row);
      }
      List<DmsS3Writer.WrittenFile> written = e.writer.writePartitionedLoad(t.id(), partitions, at);
      played.add(
          String.format(
              "parallel load of %s by partitions: %s, %d files",
              t.id(), String.join(", ", partitions.keySet()), written.size()));
      return written;
    }
    return e.writer.writeFullLoadFiles(t.id(), rows, at);
  }

  /**
   * The DDL and reloads that happen at the source before CDC batch {@code b}: the column added a
   * third of the way, the truncate half way, the reload two thirds of the way.
   */
  @SuppressWarnings("checkstyle:ParameterNumber")
  private void ddlBefore(
      int b,
      SourceDatabase db,
      List<Endpoint> endpoints,
      CrashPlan crashes,
      FaultInjector faults,
      AtomicLong events,
      List<Runnable> later,
      AtomicLong files,
      List<String> played)
      throws InterruptedException {
    int batches = options.cdcBatches();
    String when = String.format("before CDC batch %d of %d", b + 1, batches);
    Endpoint hq = endpointOf(endpoints, CUSTOMERS);
    if (b == batches / 3 && options.situations().contains(Situation.ADD_COLUMN) && hq != null) {
      // DMS starts a new file at the DDL; with AddColumnName its header shows the new column.
      db.addColumn(CUSTOMERS, ADDED_COLUMN, ColumnType.STRING);
      played.add(String.format("ALTER TABLE %s ADD %s %s", CUSTOMERS, ADDED_COLUMN, when));
    }
    Endpoint legacy = endpointOf(endpoints, STOCK);
    if (b == batches / 2 && options.situations().contains(Situation.TRUNCATE) && legacy != null) {
      db.truncate(STOCK);
      List<String> deleted = legacy.writer.deleteTable(STOCK);
      // S3 sends an event per deleted object; the producer lists the table and finds it gone.
      for (String key : deleted) {
        legacy.producer.invokeAsync(deleteEvent(S3ObjectRef.of(DMS_BUCKET, key)));
        events.incrementAndGet();
      }
      played.add(
          String.format(
              "TRUNCATE TABLE %s %s: its %d files deleted by DMS", STOCK, when, deleted.size()));
    }
    Endpoint orders = endpointOf(endpoints, ORDERS);
    if (b == (2 * batches) / 3
        && options.situations().contains(Situation.RELOAD)
        && orders != null) {
      // S3 keeps LastModified in seconds: the reload must not share a second with a change file
      // of the old load (before) or of the new one (after), or the producer cannot order them.
      sleepToNextSecond();
      SourceTable t = db.tables().get(ORDERS);
      List<DmsS3Writer.WrittenFile> written =
          writeLoad(orders, t, LocalDateTime.of(2026, 11, 24, 12, 0), new ArrayList<>());
      for (DmsS3Writer.WrittenFile f : written) {
        notify(orders, f.key(), f.rows(), crashes, faults, events, later);
      }
      files.addAndGet(written.size());
      sleepToNextSecond();
      played.add(
          String.format(
              "reload of %s %s: %,d rows in %d LOAD files over the old ones",
              ORDERS, when, t.rows().size(), written.size()));
    }
  }

  private static Endpoint endpointOf(List<Endpoint> endpoints, TableId table) {
    return endpoints.stream().filter(e -> e.has(table)).findFirst().orElse(null);
  }

  private static void sleepToNextSecond() throws InterruptedException {
    Thread.sleep(1_050 - System.currentTimeMillis() % 1_000);
  }

  private List<Endpoint> endpoints(SourceDatabase db) {
    Endpoint hq =
        new Endpoint(
            "hq",
            DmsCsvSettings.builder()
                .bucketFolder("hq")
                .addColumnName(true)
                .includeOpForFullLoad(true)
                .timestampColumnName("cdc_commit_ts")
                .compressionType(io.cdckinesis.core.CompressionType.GZIP)
                .useCsvNoSupValue(options.situations().contains(Situation.LOB))
                .csvNoSupValue(NO_SUP_VALUE)
                .build());
    Endpoint legacy =
        new Endpoint(
            "legacy",
            DmsCsvSettings.builder().bucketFolder("legacy").csvRowDelimiter("\r\n").build());
    for (SourceTable t : db.tables().values()) {
      (t.id().schema().equals("inventory") ? legacy : hq).tables.add(t);
    }
    List<Endpoint> out = new ArrayList<>();
    for (Endpoint e : List.of(hq, legacy)) {
      if (!e.tables.isEmpty()) {
        out.add(e);
      }
    }
    return out;
  }

  private Map<String, String> producerVariables(Endpoint e) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put(FunctionEnvironment.STREAM_NAME, STREAM);
    env.put(FunctionEnvironment.STATE_BUCKET, STATE_BUCKET);
    env.put(FunctionEnvironment.DMS_SETTINGS, settingsJson(e.settings));
    env.put(FunctionEnvironment.TABLES, tablesJson(e.tables, e.settings.addColumnName()));
    env.put(FunctionEnvironment.AGGREGATE, Boolean.toString(options.aggregate()));
    env.put(FunctionEnvironment.CHECKPOINT_EVERY_ROWS, "250");
    env.put(FunctionEnvironment.LEASE_MS, Long.toString(LEASE.toMillis()));
    return env;
  }

  private static Map<String, String> consumerVariables(SourceDatabase db) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put(FunctionEnvironment.STATE_BUCKET, STATE_BUCKET);
    env.put(FunctionEnvironment.TABLES, tablesJson(db.tables().values(), true));
    return env;
  }

  /** The endpoint settings as {@code aws dms describe-endpoints} prints them. */
  private static String settingsJson(DmsCsvSettings s) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode settings = root.putArray("Endpoints").addObject().putObject("S3Settings");
    settings.put("BucketName", DMS_BUCKET);
    settings.put("BucketFolder", s.bucketFolder());
    settings.put("DataFormat", "csv");
    settings.put("CsvDelimiter", s.csvDelimiter());
    settings.put("CsvRowDelimiter", s.csvRowDelimiter().replace("\r", "\\r").replace("\n", "\\n"));
    settings.put("AddColumnName", s.addColumnName());
    settings.put("IncludeOpForFullLoad", s.includeOpForFullLoad());
    if (s.timestampColumnName() != null) {
      settings.put("TimestampColumnName", s.timestampColumnName());
    }
    settings.put("CompressionType", s.compressionType().name());
    if (s.noSupValue() != null) {
      settings.put("UseCsvNoSupValue", true);
      settings.put("CsvNoSupValue", s.noSupValue());
    }
    return root.toString();
  }

  /** Table definitions: key and types always, columns too when the files have no header. */
  private static String tablesJson(Iterable<SourceTable> tables, boolean header) {
    ObjectNode root = JSON.createObjectNode();
    for (SourceTable t : tables) {
      TableDefinition d = t.definition();
      ObjectNode table = root.putObject(d.id().toString());
      if (!header) {
        d.columns().forEach(table.putArray("columns")::add);
      }
      d.primaryKey().forEach(table.putArray("primaryKey")::add);
      ObjectNode types = table.putObject("types");
      for (String c : d.columns()) {
        types.put(c, sqlType(d.typeOf(c)));
      }
    }
    return root.toString();
  }

  private static String sqlType(ColumnType t) {
    return switch (t) {
      case INTEGER -> "BIGINT";
      case DECIMAL -> "DECIMAL(18,3)";
      case BOOLEAN -> "BIT";
      case DATE -> "DATE";
      case TIMESTAMP -> "DATETIME2(3)";
      case STRING -> "NVARCHAR(400)";
    };
  }

  /**
   * One run of an endpoint's sweep, as the schedule would invoke it; empty when the run died (a
   * crash is contained by its invocation as in Lambda; the next scheduled run goes on).
   */
  private static java.util.Optional<ProducerResult> sweep(
      Endpoint e, List<ProducerResult> results) {
    try {
      ProducerResult r =
          e.sweep.handleRequest(
              Map.of(),
              new LocalContext(
                  java.util.UUID.randomUUID().toString(), "cdc-sweep-" + e.name, 900_000));
      results.add(r);
      return java.util.Optional.of(r);
    } catch (Throwable failed) { // NOPMD: an invocation's failure, as Lambda records it
      return java.util.Optional.empty();
    }
  }

  private static SinkMetrics sum(List<KinesisChangeSink> sinks) {
    long records = 0;
    long bytes = 0;
    long kinesisRecords = 0;
    long calls = 0;
    long retried = 0;
    long throttled = 0;
    long failed = 0;
    long oversize = 0;
    synchronized (sinks) {
      for (KinesisChangeSink s : sinks) {
        SinkMetrics m = s.metrics();
        records += m.recordsWritten();
        bytes += m.bytesWritten();
        kinesisRecords += m.kinesisRecordsWritten();
        calls += m.putRecordsCalls();
        retried += m.retriedEntries();
        throttled += m.throttledEntries();
        failed += m.failedEntries();
        oversize += m.oversizeRecords();
      }
    }
    return new SinkMetrics(
        records, bytes, kinesisRecords, calls, retried, throttled, failed, oversize);
  }
}
