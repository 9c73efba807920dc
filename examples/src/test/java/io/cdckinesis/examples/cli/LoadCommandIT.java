package io.cdckinesis.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdckinesis.core.BadRowPolicy;
import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.DmsCsvSettings;
import io.cdckinesis.core.Envelope;
import io.cdckinesis.core.EnvelopeCodec;
import io.cdckinesis.core.testing.Fixtures;
import io.cdckinesis.kinesis.DeaggregatedRecord;
import io.cdckinesis.kinesis.KplDeaggregator;
import io.cdckinesis.kinesis.PartitionKeys;
import io.cdckinesis.local.LocalCredentials;
import io.cdckinesis.local.LocalKinesis;
import io.cdckinesis.local.LocalS3;
import io.cdckinesis.s3.S3Location;
import io.cdckinesis.s3.S3ObjectSource;
import io.cdckinesis.s3.S3PayloadStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * {@code cdc load} run in-process against s3proxy and kinesalite, with the real DMS fixtures: what
 * reaches the stream is compared with what {@code cdc convert} prints for the same files. The
 * command builds its own clients, with credentials from the default chain (set here as system
 * properties).
 */
class LoadCommandIT {

  private static final Path DMS = Fixtures.dmsReal();
  private static final String TABLES = DMS.resolve("tables.json").toString();
  private static final String BUCKET = "dms-out";
  private static final EnvelopeCodec CODEC = EnvelopeCodec.create();
  private static final AtomicInteger STREAMS = new AtomicInteger();

  private static LocalS3 s3;
  private static LocalKinesis kinesis;
  private static String headerSettings;

  @BeforeAll
  static void start(@TempDir Path dir) throws IOException {
    System.setProperty("aws.accessKeyId", LocalCredentials.ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", LocalCredentials.SECRET_KEY);
    s3 = LocalS3.inMemory();
    kinesis = LocalKinesis.start();
    s3.createBucket(BUCKET);
    upload(DMS.resolve("mysql-classicmodels"), "classic/");
    upload(DMS.resolve("oracle-hr"), "hr/");
    upload(DMS.resolve("garment-erp"), "erp/");
    Path settings = dir.resolve("header.json");
    Files.writeString(settings, "{\"S3Settings\": {\"AddColumnName\": true}}");
    headerSettings = settings.toString();
  }

  @AfterAll
  static void stop() {
    if (kinesis != null) {
      kinesis.close();
    }
    if (s3 != null) {
      s3.close();
    }
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
  }

  private static void upload(Path folder, String prefix) throws IOException {
    try (Stream<Path> walk = Files.walk(folder)) {
      for (Path f : walk.filter(Files::isRegularFile).toList()) {
        put(prefix + folder.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
      }
    }
  }

  private static void put(String key, byte[] bytes) {
    s3.client().putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes));
  }

  private static String newStream() {
    String name = "load-" + STREAMS.incrementAndGet();
    kinesis.createStream(name, 2);
    return name;
  }

  /** {@code cdc load} against the local servers (no --region: the endpoints imply one). */
  private static CliRun load(String stream, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "load",
                "--stream",
                stream,
                "--kinesis-endpoint",
                kinesis.endpoint().toString(),
                "--s3-endpoint",
                s3.endpoint().toString()));
    args.addAll(List.of(more));
    return CliRun.cdc(args.toArray(String[]::new));
  }

  /** What convert prints for the same files: envelope lines. */
  private static List<String> convert(String... args) {
    List<String> all = new ArrayList<>(List.of("convert"));
    all.addAll(List.of(args));
    CliRun run = CliRun.cdc(all.toArray(String[]::new));
    assertThat(run.exit()).as(run.err()).isZero();
    return run.lines();
  }

  /** Convert's lines as they read from S3: the local folder in source-uri becomes the prefix. */
  private static List<String> fromS3(List<String> lines, Path folder, String prefix) {
    String local = "\"source-uri\":\"" + folder + "/";
    String remote = "\"source-uri\":\"s3://" + BUCKET + "/" + prefix;
    return lines.stream()
        .peek(l -> assertThat(l).contains(local))
        .map(l -> l.replace(local, remote))
        .toList();
  }

  /** Envelopes grouped by partition key, in order: the order the stream must keep. */
  private static Map<String, List<String>> byKey(List<String> lines) {
    Map<String, List<String>> byKey = new LinkedHashMap<>();
    for (String line : lines) {
      ChangeRecord r = CODEC.decodeRecord(line.getBytes(StandardCharsets.UTF_8));
      byKey.computeIfAbsent(PartitionKeys.of(r), k -> new ArrayList<>()).add(line);
    }
    return byKey;
  }

  /** One user record read back from the stream. */
  private record Entry(String shard, String partitionKey, byte[] data, boolean aggregated) {
    String text() {
      return new String(data, StandardCharsets.UTF_8);
    }

    boolean control() {
      return CODEC.decode(data) instanceof Envelope.Control;
    }

    /**
     * The envelope as convert prints it: without the load generation and object version that only a
     * producer with table state puts in the position.
     */
    String asConvertPrints() {
      return text()
          .replaceAll(",\"source-generation\":\\d+", "")
          .replaceAll(",\"source-revision\":\\d+", "")
          .replaceAll(",\"source-version\":\"(?:[^\"\\\\]|\\\\.)*\"", "");
    }
  }

  /** Every record of every shard, in shard order, deaggregated. */
  private static List<Entry> readStream(String stream) {
    List<Entry> entries = new ArrayList<>();
    for (Map.Entry<Shard, List<Record>> shard : kinesis.readAll(stream).entrySet()) {
      for (Record r : shard.getValue()) {
        for (DeaggregatedRecord d :
            KplDeaggregator.deaggregate(r.data().asByteArray(), r.partitionKey(), null)) {
          entries.add(
              new Entry(shard.getKey().shardId(), d.partitionKey(), d.data(), d.aggregated()));
        }
      }
    }
    return entries;
  }

  /** The data records of the stream: control records (table resets, column changes) left out. */
  private static List<Entry> data(List<Entry> entries) {
    return entries.stream().filter(e -> !e.control()).toList();
  }

  /**
   * The tables the stream was told to reset, once per shard, each before any data record of the
   * table in that shard: the producer starts every full load with a reset (a new load generation).
   */
  private static List<String> resets(List<Entry> entries) {
    List<String> tables = new ArrayList<>();
    Map<String, java.util.Set<String>> dataSeen = new LinkedHashMap<>();
    for (Entry e : entries) {
      Envelope envelope = CODEC.decode(e.data());
      String table = envelope.table().toString();
      java.util.Set<String> seen =
          dataSeen.computeIfAbsent(e.shard(), k -> new java.util.HashSet<>());
      if (envelope instanceof Envelope.Control c) {
        assertThat(c.record().operation().wireName()).isEqualTo("truncate-table");
        assertThat(seen).as("data of %s before its reset", table).doesNotContain(table);
        if (!tables.contains(table)) {
          tables.add(table);
        }
      } else {
        seen.add(table);
      }
    }
    return tables;
  }

  /** The stream's data envelopes by partition key, in stream order. */
  private static Map<String, List<String>> streamByKey(List<Entry> entries) {
    Map<String, List<String>> byKey = new LinkedHashMap<>();
    for (Entry e : data(entries)) {
      byKey.computeIfAbsent(e.partitionKey(), k -> new ArrayList<>()).add(e.asConvertPrints());
    }
    return byKey;
  }

  private static String summaryLine(CliRun run, String label) {
    return run.err()
        .lines()
        .filter(l -> l.startsWith("  " + label + " "))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no summary line " + label + " in:\n" + run.err()));
  }

  @Test
  void s3PrefixesReachTheStreamExactlyAsConvertPrintsThem() {
    String stream = newStream();
    CliRun classic = load(stream, "--tables", TABLES, "s3://" + BUCKET + "/classic/");
    CliRun hr =
        load(
            stream,
            "--region",
            "us-east-1",
            "--settings",
            headerSettings,
            "--tables",
            TABLES,
            "s3://" + BUCKET + "/hr");
    CliRun erp =
        load(stream, "--settings", headerSettings, "--tables", TABLES, "s3://" + BUCKET + "/erp/");

    for (CliRun run : List.of(classic, hr, erp)) {
      assertThat(run.exit()).as(run.err()).isZero();
      assertThat(run.err()).doesNotContain("  note ");
      assertThat(run.out()).isEmpty();
      assertThat(run.err()).contains("cdc load: finished (exit 0)");
    }
    assertThat(summaryLine(classic, "files")).contains("2 of 2 read to the end");
    assertThat(summaryLine(classic, "rows")).contains("126 read, 0 rejected");
    assertThat(summaryLine(classic, "records"))
        .contains("126 acknowledged by stream " + stream + " (0 through the payload store)");
    assertThat(summaryLine(classic, "Kinesis")).contains("126 records (1.0 change records each)");
    assertThat(summaryLine(hr, "rows")).contains("1,917 read, 0 rejected");
    assertThat(summaryLine(hr, "PutRecords"))
        .matches(".* [1-9]\\d* calls, 0 entries retried, 0 throttled");
    assertThat(summaryLine(erp, "read"))
        .matches(".*\\d+\\.\\d\\d MB of CSV \\(0\\.\\d\\d MB as stored\\).*");
    assertThat(summaryLine(erp, "rate")).matches(".*MB/s of CSV, [\\d,]+ records/s");
    // not a terminal: a line per file instead of a progress bar
    assertThat(classic.err())
        .contains(
            "cdc load: [1/2] s3://"
                + BUCKET
                + "/classic/classicmodels/customers/LOAD00000001.csv: 122 rows");

    List<String> expected = new ArrayList<>();
    expected.addAll(
        fromS3(
            convert("--tables", TABLES, DMS.resolve("mysql-classicmodels").toString()),
            DMS.resolve("mysql-classicmodels"),
            "classic/"));
    expected.addAll(
        fromS3(
            convert(
                "--settings",
                headerSettings,
                "--tables",
                TABLES,
                DMS.resolve("oracle-hr").toString()),
            DMS.resolve("oracle-hr"),
            "hr/"));
    expected.addAll(
        fromS3(
            convert(
                "--settings",
                headerSettings,
                "--tables",
                TABLES,
                DMS.resolve("garment-erp").toString()),
            DMS.resolve("garment-erp"),
            "erp/"));
    List<Entry> entries = readStream(stream);
    assertThat(data(entries)).hasSize(126 + 1917 + 126);
    assertThat(entries).noneMatch(Entry::aggregated);
    // each table with a full load starts a load generation: the stream is told before its rows
    assertThat(resets(entries))
        .containsExactlyInAnyOrder("classicmodels.customers", "HR.EMPLOYEES");
    // same envelopes, byte for byte, and each key's changes in convert's (DMS) order
    assertThat(streamByKey(entries)).isEqualTo(byKey(expected));
    // DMS order, checked on its own: a key's full-load row comes before its changes, and the
    // changes keep their order (the classicmodels change file holds I, U, D, I of one key)
    Map<String, List<String>> operations = new LinkedHashMap<>();
    streamByKey(entries)
        .forEach(
            (key, lines) ->
                operations.put(
                    key,
                    lines.stream()
                        .map(l -> CODEC.decodeRecord(l.getBytes(StandardCharsets.UTF_8)))
                        .map(r -> r.operation().wireName())
                        .toList()));
    assertThat(operations.get("classicmodels.customers|497"))
        .containsExactly("insert", "update", "delete", "insert");
    assertThat(operations.values())
        .allSatisfy(ops -> assertThat(ops.subList(1, ops.size())).doesNotContain("load"))
        .anySatisfy(ops -> assertThat(ops).hasSizeGreaterThan(1).startsWith("load"));
  }

  @Test
  void localFoldersWithAggregationAsConvertPrintsThem() {
    String stream = newStream();
    Path hr = DMS.resolve("oracle-hr");
    Path erp = DMS.resolve("garment-erp");
    CliRun run =
        load(
            stream,
            "--aggregate",
            "--settings",
            headerSettings,
            "--tables",
            TABLES,
            erp.toString(),
            hr.toString());

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(summaryLine(run, "files")).contains("5 of 5 read to the end");
    assertThat(summaryLine(run, "records")).contains("2,043 acknowledged by stream " + stream);
    String kinesisLine = summaryLine(run, "Kinesis");
    long kinesisRecords =
        Long.parseLong(
            kinesisLine.replaceAll("^\\s*Kinesis\\s+([\\d,]+) records.*$", "$1").replace(",", ""));
    assertThat(kinesisRecords).isBetween(1L, 200L); // aggregated: far fewer than 2,043

    List<String> expected =
        convert("--settings", headerSettings, "--tables", TABLES, hr.toString(), erp.toString());
    List<Entry> entries = readStream(stream);
    assertThat(data(entries)).hasSize(2043);
    assertThat(resets(entries)).containsExactly("HR.EMPLOYEES");
    // nearly all inside aggregates: a record alone in its shard's share of a call goes as itself
    assertThat(entries.stream().filter(Entry::aggregated).count()).isGreaterThan(2000);
    // local paths: source-uri is the path as given, as convert prints it
    assertThat(streamByKey(entries)).isEqualTo(byKey(expected));
  }

  @Test
  void bucketFolderAndDatePartitionsFromTheSettings(@TempDir Path dir) throws IOException {
    Path customers = DMS.resolve("mysql-classicmodels/classicmodels/customers");
    put(
        "landing/classicmodels/customers/LOAD00000001.csv",
        Files.readAllBytes(customers.resolve("LOAD00000001.csv")));
    put(
        "landing/classicmodels/customers/2024/08/09/20240809-192717787.csv",
        Files.readAllBytes(customers.resolve("20240809-192717787.csv")));
    put("landing/classicmodels/customers/notes.txt", "not DMS".getBytes(StandardCharsets.UTF_8));
    // a sibling folder the prefix "landing" must not take in
    put(
        "landing-old/classicmodels/customers/LOAD00000002.csv",
        Files.readAllBytes(customers.resolve("LOAD00000001.csv")));
    Path settings = dir.resolve("s3.json");
    Files.writeString(
        settings,
        "{\"Endpoint\": {\"S3Settings\": {\"BucketFolder\": \"landing\","
            + " \"DatePartitionEnabled\": true}}}");
    String stream = newStream();

    CliRun run =
        load(
            stream,
            "--settings",
            settings.toString(),
            "--tables",
            TABLES,
            "s3://" + BUCKET + "/landing");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(summaryLine(run, "files")).contains("2 of 2 read to the end");
    List<String> expected =
        convert("--tables", TABLES, DMS.resolve("mysql-classicmodels").toString()).stream()
            .map(
                l ->
                    l.replace(
                            customers.resolve("20240809-192717787.csv").toString(),
                            "s3://"
                                + BUCKET
                                + "/landing/classicmodels/customers/2024/08/09/20240809-192717787.csv")
                        .replace(
                            customers.resolve("LOAD00000001.csv").toString(),
                            "s3://" + BUCKET + "/landing/classicmodels/customers/LOAD00000001.csv"))
            .toList();
    assertThat(streamByKey(readStream(stream))).isEqualTo(byKey(expected));
  }

  @Test
  void aMissingStreamOrAnEmptyPrefixFailsClearly(@TempDir Path emptyFolder) {
    CliRun missing = load("no-such-stream", "--tables", TABLES, "s3://" + BUCKET + "/classic/");
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err())
        .isEqualTo(
            "cdc load: stream no-such-stream does not exist in region us-east-1 at "
                + kinesis.endpoint()
                + " (create it first)\n");

    String stream = newStream();
    CliRun empty = load(stream, "s3://" + BUCKET + "/nothing/here/");
    assertThat(empty.exit()).isEqualTo(1);
    assertThat(empty.err())
        .isEqualTo(
            "cdc load: no DMS data files under s3://"
                + BUCKET
                + "/nothing/here/: found no objects at all; DMS writes them in <schema>/<table>/"
                + " folders\n");

    CliRun noBucket = load(stream, "s3://no-such-bucket/dms/");
    assertThat(noBucket.exit()).isEqualTo(1);
    assertThat(noBucket.err())
        .startsWith("cdc load: s3://no-such-bucket/dms/: cannot list: NoSuchBucket, status 404");

    CliRun noFiles = load(stream, emptyFolder.toString());
    assertThat(noFiles.exit()).isEqualTo(1);
    assertThat(noFiles.err())
        .startsWith("cdc load: no DMS data files under " + emptyFolder + ": found no files");

    assertThat(readStream(stream)).isEmpty();
  }

  @Test
  void badRowsStopTheLoadOrAreSkipped() {
    put(
        "bad/shop/customers/LOAD00000001.csv",
        "1,Ann,x\n2,Secret Bob\n3,Cy,z\n4,Dee,w,extra\n".getBytes(StandardCharsets.UTF_8));
    Path defs = writeTables();
    String uri = "s3://" + BUCKET + "/bad/shop/customers/LOAD00000001.csv";

    String failStream = newStream();
    CliRun fail = load(failStream, "--tables", defs.toString(), "s3://" + BUCKET + "/bad/");
    assertThat(fail.exit()).isEqualTo(1);
    assertThat(fail.err())
        .startsWith(uri + ":2: WRONG_FIELD_COUNT: expected 3 fields, found 2\n")
        .contains("cdc load: stopped at bad input (exit 1)")
        .doesNotContain("Secret");
    // the row read before the bad one is sent, as convert prints it
    assertThat(data(readStream(failStream)))
        .extracting(e -> CODEC.decodeRecord(e.data()).value("id"))
        .containsExactly("1");

    String skipStream = newStream();
    CliRun skip =
        load(
            skipStream,
            "--on-error",
            "skip",
            "--tables",
            defs.toString(),
            "s3://" + BUCKET + "/bad/");
    assertThat(skip.exit()).isEqualTo(3);
    assertThat(skip.err())
        .startsWith(
            uri
                + ":2: WRONG_FIELD_COUNT: expected 3 fields, found 2\n"
                + uri
                + ":4: WRONG_FIELD_COUNT: expected 3 fields, found 4\n")
        .contains("cdc load: finished, bad input skipped (exit 3)")
        .doesNotContain("Secret")
        .doesNotContain("Dee");
    assertThat(summaryLine(skip, "rows")).contains("2 read, 2 rejected");
    // the table definition gives no key: every row goes under one partition key
    assertThat(summaryLine(skip, "note"))
        .isEqualTo(
            "  note         1 table without a primary key (shop.customers): each sends one record"
                + " per PutRecords call; give keys in --tables, or use --aggregate");
    assertThat(data(readStream(skipStream)))
        .extracting(e -> CODEC.decodeRecord(e.data()).value("id"))
        .containsExactly("1", "3");
  }

  /** Rows the engine sends between checkpoints (ProducerEngine's default). */
  private static final int CHECKPOINT_ROWS = 5_000;

  @Test
  void aLoadKilledMidwayAndRunAgainWithStateResumesFromItsCheckpoint(@TempDir Path dir)
      throws Exception {
    int rows = 20_000;
    Path folder = dir.resolve("dms");
    Path table = Files.createDirectories(folder.resolve("shop").resolve("items"));
    StringBuilder csv = new StringBuilder();
    for (int i = 1; i <= rows; i++) {
      csv.append(i).append(",item ").append(i).append('\n');
    }
    Files.writeString(table.resolve("LOAD00000001.csv"), csv);
    Path defs = dir.resolve("tables.json");
    Files.writeString(
        defs, "{\"shop.items\": {\"columns\": [\"id\", \"name\"], \"primaryKey\": [\"id\"]}}");
    s3.createBucket("load-state");
    String stream = newStream();
    List<String> args =
        List.of(
            "load",
            "--stream",
            stream,
            "--kinesis-endpoint",
            kinesis.endpoint().toString(),
            "--s3-endpoint",
            s3.endpoint().toString(),
            "--state",
            "s3://load-state/cdc-load/",
            "--lease",
            "PT15S",
            "--tables",
            defs.toString(),
            folder.toString());

    // the first run, in its own JVM, killed once the stream holds rows past the first checkpoint
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        List.of("-cp", System.getProperty("java.class.path"), CdcCommand.class.getName()));
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.redirectOutput(dir.resolve("first-run.txt").toFile());
    pb.environment().put("AWS_ACCESS_KEY_ID", LocalCredentials.ACCESS_KEY);
    pb.environment().put("AWS_SECRET_ACCESS_KEY", LocalCredentials.SECRET_KEY);
    Process first = pb.start();
    long sentBeforeKill;
    try {
      long deadline = System.nanoTime() + 180_000_000_000L;
      while (true) {
        sentBeforeKill = data(readStream(stream)).size();
        if (sentBeforeKill > CHECKPOINT_ROWS + 1_000) {
          break;
        }
        assertThat(first.isAlive())
            .as(
                "the first run ended before it could be killed:\n%s",
                Files.readString(dir.resolve("first-run.txt")))
            .isTrue();
        assertThat(System.nanoTime()).as("waiting for rows in the stream").isLessThan(deadline);
        Thread.sleep(200);
      }
    } finally {
      first.destroyForcibly();
      first.waitFor();
    }
    assertThat(sentBeforeKill).isLessThan(rows);

    // run again: it waits for the dead run's claim to expire, then resumes from the checkpoint
    CliRun again = CliRun.cdc(args.toArray(String[]::new));
    assertThat(again.exit()).as(again.err()).isZero();
    long readAgain =
        Long.parseLong(
            summaryLine(again, "rows")
                .replaceAll("^\\s*rows\\s+([\\d,]+) read.*$", "$1")
                .replace(",", ""));
    assertThat(readAgain).as("rows the second run read").isLessThan(rows);

    Map<String, Integer> copies = new LinkedHashMap<>();
    for (Entry e : data(readStream(stream))) {
      copies.merge(String.valueOf(CODEC.decodeRecord(e.data()).value("id")), 1, Integer::sum);
    }
    // the stream holds every row; rows sent after the last checkpoint went twice, no more
    assertThat(copies).hasSize(rows).allSatisfy((id, n) -> assertThat(n).isBetween(1, 2));
    long twice = copies.values().stream().filter(n -> n == 2).count();
    assertThat(twice).isLessThanOrEqualTo(CHECKPOINT_ROWS);
  }

  private static Path writeTables() {
    try {
      Path file = Files.createTempFile("tables", ".json");
      file.toFile().deleteOnExit();
      Files.writeString(file, "{\"shop.customers\": {\"columns\": [\"id\", \"name\", \"note\"]}}");
      return file;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void oversizeRowsGoToThePayloadStoreAndFailWithoutOne() {
    String prefix = "s3://" + BUCKET + "/erp/";
    String noStore = newStream();
    CliRun fail =
        load(
            noStore,
            "--max-record-bytes",
            "4096",
            "--settings",
            headerSettings,
            "--tables",
            TABLES,
            prefix);
    assertThat(fail.exit()).isEqualTo(1);
    assertThat(fail.err())
        .contains("no payload store is configured for oversize rows (give --payload-store")
        .contains("cdc load: stopped by a failure (exit 1)");

    s3.createBucket("cdc-state");
    String stream = newStream();
    CliRun run =
        load(
            stream,
            "--max-record-bytes",
            "4096",
            "--payload-store",
            "s3://cdc-state/payloads/",
            "--settings",
            headerSettings,
            "--tables",
            TABLES,
            prefix);
    assertThat(run.exit()).as(run.err()).isZero();
    String records = summaryLine(run, "records");
    assertThat(records).doesNotContain("(0 through the payload store)");

    S3PayloadStore store =
        S3PayloadStore.builder()
            .client(s3.client())
            .location(S3Location.parse("s3://cdc-state/payloads/"))
            .build();
    List<Entry> entries = readStream(stream);
    List<Entry> resolved = new ArrayList<>();
    int pointers = 0;
    for (Entry e : entries) {
      Envelope envelope = CODEC.decode(e.data());
      if (envelope instanceof Envelope.Pointer p) {
        pointers++;
        assertThat(e.data().length).isLessThan(4096);
        resolved.add(new Entry(e.shard(), e.partitionKey(), store.get(p.payload().uri()), false));
      } else {
        resolved.add(e);
      }
    }
    assertThat(pointers).isPositive();
    assertThat(records).contains("(" + pointers + " through the payload store)");
    List<String> expected =
        fromS3(
            convert(
                "--settings",
                headerSettings,
                "--tables",
                TABLES,
                DMS.resolve("garment-erp").toString()),
            DMS.resolve("garment-erp"),
            "erp/");
    assertThat(streamByKey(resolved)).isEqualTo(byKey(expected));
  }

  @Test
  void s3ListingFollowsEveryPage() {
    StringWriter err = new StringWriter();
    Problems problems = new Problems(BadRowPolicy.FAIL, new PrintWriter(err));
    DmsInputs finder =
        new DmsInputs(DmsCsvSettings.builder().addColumnName(true).build(), problems);
    List<DmsInput> inputs = new ArrayList<>();
    S3ObjectSource source = S3ObjectSource.builder().client(s3.client()).build();

    int found =
        finder.addS3(s3.client(), source, S3Prefix.parse("s3://" + BUCKET + "/erp/"), 1, inputs);
    found += finder.addS3(s3.client(), source, S3Prefix.parse("s3://" + BUCKET + "/hr"), 1, inputs);

    assertThat(err.toString()).isEmpty();
    assertThat(found).isEqualTo(5);
    assertThat(inputs)
        .extracting(DmsInput::uri)
        .containsExactlyInAnyOrder(
            "s3://dms-out/erp/ERP/BOM_HD/20180820-084657015.csv.gz",
            "s3://dms-out/erp/ERP/SC_HD/20180831-002828106.csv.gz",
            "s3://dms-out/erp/ERP/SC_HD/20180831-021912942.csv.gz",
            "s3://dms-out/hr/HR/EMPLOYEES/LOAD00000001.csv",
            "s3://dms-out/hr/HR/EMPLOYEES/20190118-184518184.csv");
    assertThat(inputs).allMatch(i -> i.size() > 0);
  }
}
