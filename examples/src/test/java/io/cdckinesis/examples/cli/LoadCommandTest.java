package io.cdckinesis.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdckinesis.core.ConfigurationException;
import io.cdckinesis.core.TableId;
import io.cdckinesis.kinesis.SinkMetrics;
import io.cdckinesis.local.LocalCredentials;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/** {@code cdc load}'s parts that need no network: usage, clients, summary, progress display. */
class LoadCommandTest {

  @Test
  void usageErrorsExit2BeforeAnyConnection() {
    CliRun noStream = CliRun.cdc("load", "some/folder");
    assertThat(noStream.exit()).isEqualTo(2);
    assertThat(noStream.err()).contains("Missing required option: '--stream=NAME|ARN'");

    assertThat(CliRun.cdc("load", "--stream", "s").exit()).isEqualTo(2); // no SOURCE

    CliRun onError = CliRun.cdc("load", "--stream", "s", "--on-error", "maybe", "x");
    assertThat(onError.exit()).isEqualTo(2);
    assertThat(onError.err()).isEqualTo("cdc load: --on-error must be fail or skip, got maybe\n");

    CliRun endpoint =
        CliRun.cdc("load", "--stream", "s", "--kinesis-endpoint", "localhost:4567", "x");
    assertThat(endpoint.exit()).isEqualTo(2);
    assertThat(endpoint.err())
        .isEqualTo(
            "cdc load: --kinesis-endpoint must be an http:// or https:// URL with a host, got"
                + " localhost:4567\n");

    CliRun store = CliRun.cdc("load", "--stream", "s", "--payload-store", "s3://x", "y");
    assertThat(store.exit()).isEqualTo(2);
    assertThat(store.err()).isEqualTo("cdc load: invalid bucket name: x\n");

    CliRun bucket = CliRun.cdc("load", "--stream", "s", "s3:///prefix");
    assertThat(bucket.exit()).isEqualTo(2);
    assertThat(bucket.err()).isEqualTo("cdc load: no bucket in s3:///prefix\n");

    CliRun recordBytes = CliRun.cdc("load", "--stream", "s", "--max-record-bytes", "100", "x");
    assertThat(recordBytes.exit()).isEqualTo(2);
    assertThat(recordBytes.err()).contains("maxRecordBytes must be >= 4096, got 100");

    assertThat(CliRun.cdc("load", "--stream", " ", "x").err())
        .isEqualTo("cdc load: --stream is blank\n");
  }

  @Test
  void loadIsListedInTheHelp() {
    CliRun help = CliRun.cdc("--help");
    assertThat(new String(help.out(), java.nio.charset.StandardCharsets.UTF_8))
        .contains("convert")
        .contains("load")
        .contains("demo");
  }

  @Test
  void regionFromTheOptionTheDefaultChainOrTheLocalFallback() {
    SdkClientException none = SdkClientException.create("Unable to load region");
    assertThat(CliClients.region("eu-west-1", false, () -> Region.US_WEST_2))
        .isEqualTo(Region.EU_WEST_1);
    assertThat(CliClients.region(null, false, () -> Region.US_WEST_2)).isEqualTo(Region.US_WEST_2);
    assertThat(CliClients.region(null, true, () -> Region.US_WEST_2))
        .isEqualTo(Region.US_WEST_2); // a configured region wins over the fallback
    assertThat(
            CliClients.region(
                null,
                true,
                () -> {
                  throw none;
                }))
        .isEqualTo(Region.US_EAST_1);
    assertThatThrownBy(
            () ->
                CliClients.region(
                    null,
                    false,
                    () -> {
                      throw none;
                    }))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "no AWS region configured: give --region, or set AWS_REGION or a profile's region");
  }

  @Test
  void cborIsTurnedOffOnlyForALocalKinesisEndpoint() {
    String before = System.getProperty("aws.cborEnabled");
    try {
      System.clearProperty("aws.cborEnabled");
      try (KinesisClient remote =
          CliClients.kinesis(
              Region.US_EAST_1,
              URI.create("https://kinesis.example.com"),
              LocalCredentials.provider())) {
        assertThat(System.getProperty("aws.cborEnabled")).isNull();
      }
      try (KinesisClient local =
          CliClients.kinesis(
              Region.US_EAST_1, URI.create("http://127.0.0.1:4567"), LocalCredentials.provider())) {
        assertThat(System.getProperty("aws.cborEnabled")).isEqualTo("false");
      }
    } finally {
      if (before == null) {
        System.clearProperty("aws.cborEnabled");
      } else {
        System.setProperty("aws.cborEnabled", before);
      }
    }
  }

  @Test
  void s3LocationsAreFoldersBucketsOrObjects() {
    S3Prefix folder = S3Prefix.parse("s3://dms-out/dms");
    assertThat(folder).isEqualTo(new S3Prefix("dms-out", "dms"));
    assertThat(folder.covers("dms/dbo/T/LOAD00000001.csv")).isTrue();
    assertThat(folder.covers("dms-old/dbo/T/LOAD00000001.csv")).isFalse();
    assertThat(S3Prefix.parse("s3://dms-out/dms/").covers("dms/dbo/T/LOAD00000001.csv")).isTrue();
    S3Prefix object = S3Prefix.parse("s3://dms-out/dbo/T/LOAD00000001.csv");
    assertThat(object.covers("dbo/T/LOAD00000001.csv")).isTrue();
    assertThat(object.covers("dbo/T/LOAD00000001.csv.bak")).isFalse();
    S3Prefix bucket = S3Prefix.parse("s3://dms-out");
    assertThat(bucket.prefix()).isEmpty();
    assertThat(bucket.covers("anything/at/all.csv")).isTrue();
    assertThat(bucket).hasToString("s3://dms-out/");
    assertThatThrownBy(() -> S3Prefix.parse("s3://ab/x")).hasMessage("invalid bucket name: ab");
  }

  @Test
  void summaryNamesEveryFigure() {
    DmsFileConverter.Result read = new DmsFileConverter.Result();
    read.files = 3;
    read.records = 2_000;
    read.problems = 2;
    read.csvBytes = 4_000_000;
    read.storedBytes = 1_000_000;
    SinkMetrics sent = new SinkMetrics(2_000, 4_100_000, 40, 7, 12, 5, 0, 1, 0, 4);

    List<String> lines =
        new LoadSummary(
                "finished, bad input skipped",
                3,
                "cdc-changes",
                4,
                read,
                sent,
                Duration.ofSeconds(2),
                Set.of())
            .lines();

    assertThat(lines)
        .containsExactly(
            "cdc load: finished, bad input skipped (exit 3)",
            "  files        3 of 4 read to the end",
            "  rows         2,000 read, 2 rejected",
            "  records      2,000 acknowledged by stream cdc-changes (1 through the payload store)",
            "  Kinesis      40 records (50.0 change records each)",
            "  PutRecords   7 calls, 12 entries retried, 5 throttled (11.1% of entries sent)",
            "  read         4.00 MB of CSV (1.00 MB as stored) in 2.0 s",
            "  rate         2.00 MB/s of CSV, 1,000 records/s",
            "  stream       20 records/s, 2.05 MB/s into 4 shards: 49% of their 4,000 records/s,"
                + " 4.19 MB/s",
            "  note         throttled below the stream's limits: other writers share its shards,"
                + " or some keys (shards) are hot");

    SinkMetrics atLimits = new SinkMetrics(2_000, 2_000_000, 2_000, 7, 12, 5, 0, 1, 0, 1);
    assertThat(
            new LoadSummary("finished", 0, "s", 1, read, atLimits, Duration.ofSeconds(2), Set.of())
                .lines())
        .contains(
            "  stream       1,000 records/s, 1.00 MB/s into 1 shard: 100% of their 1,000"
                + " records/s, 1.05 MB/s",
            "  note         the stream was at its limits: throttled entries were sent again"
                + " (back-pressure, not failure); more shards would load faster");

    Set<TableId> keyless = new TreeSet<>();
    for (String t : List.of("app.d", "app.a", "app.c", "app.b")) {
      keyless.add(TableId.of(t.split("\\.")[0], t.split("\\.")[1]));
    }
    assertThat(
            new LoadSummary("finished", 0, "s", 1, read, sent, Duration.ofSeconds(1), keyless)
                .lines())
        .last()
        .isEqualTo(
            "  note         4 tables without a primary key (app.a, app.b, app.c, ...): each sends"
                + " one record per PutRecords call; give keys in --tables, or use --aggregate");
  }

  @Test
  void terminalProgressShowsFilesRowsAndMegabytesAndKeepsReportsApart() throws Exception {
    List<String> rendered = new ArrayList<>();
    StringWriter above = new StringWriter();
    TerminalProgress progress =
        new TerminalProgress(
            new DelegatingProgressBarConsumer(
                s -> {
                  synchronized (rendered) {
                    rendered.add(s);
                  }
                },
                200),
            new PrintWriter(above),
            3,
            40_000_000);
    DmsFileConverter.Result read = new DmsFileConverter.Result();
    read.records = 12_345;
    read.storedBytes = 20_000_000;
    progress.fileFinished(null, 12_345, true);
    progress.update(read, new SinkMetrics(12_000, 0, 0, 0, 0, 0, 0, 0));
    progress.printAbove("s3://b/k.csv:7: WRONG_FIELD_COUNT: expected 3 fields, found 2");
    progress.close();

    String last;
    synchronized (rendered) {
      last = rendered.get(rendered.size() - 1);
    }
    assertThat(last)
        .startsWith("load")
        .contains("50%")
        .contains("20/40 MB")
        .contains("files 1/3, rows 12,345, sent 12,000");
    assertThat(above.toString())
        .isEqualTo(
            TerminalProgress.CLEAR_LINE
                + "s3://b/k.csv:7: WRONG_FIELD_COUNT: expected 3 fields, found 2"
                + System.lineSeparator());
  }

  @Test
  void terminalProgressShowsTheStreamsUseOfItsLimitsAndTheThrottledShare() {
    List<String> rendered = new ArrayList<>();
    long[] now = {0};
    TerminalProgress progress =
        new TerminalProgress(
            new DelegatingProgressBarConsumer(
                s -> {
                  synchronized (rendered) {
                    rendered.add(s);
                  }
                },
                300),
            new PrintWriter(new StringWriter()),
            1,
            1_000_000,
            () -> now[0]);
    DmsFileConverter.Result read = new DmsFileConverter.Result();
    read.records = 8_000;
    progress.update(read, new SinkMetrics(0, 0, 0, 1, 0, 0, 0, 0, 0, 4));
    now[0] = 2_000_000_000L; // two seconds later: 7,600 Kinesis records, 100 throttled
    progress.update(read, new SinkMetrics(7_600, 2_000_000, 7_600, 16, 100, 100, 0, 0, 0, 4));
    progress.close();
    String last;
    synchronized (rendered) {
      last = rendered.get(rendered.size() - 1);
    }
    assertThat(last).contains("sent 7,600, stream at 95% of 4 shards, 1.3% throttled");
  }

  @Test
  void noProgressBarWithoutATerminal() {
    // the build runs without a terminal; from Java 22 on System.console() exists even so
    assertThat(LoadCommand.interactiveTerminal()).isFalse();
  }
}
