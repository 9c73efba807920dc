package io.cdckinesis.examples.cli;

import io.cdckinesis.examples.demo.DemoOptions;
import io.cdckinesis.examples.demo.DemoPipeline;
import io.cdckinesis.examples.demo.DemoReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cdc demo}: the whole pipeline on local emulators, ending with a check that the consumer's
 * replica equals the source. Exit 0 only when it does.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the whole pipeline on local S3 (s3proxy) and Kinesis (kinesalite): a simulated",
      "source database written to S3 as DMS writes it, the producer function invoked with S3",
      "events, the consumer function fed by an event source mapping, and a replica of every",
      "table compared with the source at the end. Exit status 0 only when they match."
    })
public final class DemoCommand implements Callable<Integer> {

  private static final DemoOptions DEFAULTS = DemoOptions.defaults();

  @Spec private CommandSpec spec;

  @Option(
      names = "--rows",
      paramLabel = "N",
      description = "Initial rows per table (default: ${DEFAULT-VALUE}).")
  private int rows = DEFAULTS.rows();

  @Option(names = "--tables", paramLabel = "N", description = "Tables (default: ${DEFAULT-VALUE}).")
  private int tables = DEFAULTS.tables();

  @Option(
      names = "--changes",
      paramLabel = "N",
      description = "Changes at the source after the full load (default: ${DEFAULT-VALUE}).")
  private int changes = DEFAULTS.changes();

  @Option(
      names = "--shards",
      paramLabel = "N",
      description = "Stream shards (default: ${DEFAULT-VALUE}).")
  private int shards = DEFAULTS.shards();

  @Option(names = "--aggregate", description = "KPL-aggregate records on the stream.")
  private boolean aggregate;

  @Option(
      names = "--keep",
      paramLabel = "DIR",
      arity = "0..1",
      fallbackValue = "cdc-data",
      description =
          "Keep the S3 data (DMS files, checkpoints, rejects) under DIR for inspection"
              + " (default DIR: ./cdc-data).")
  private Path keep;

  @Option(
      names = "--faults",
      paramLabel = "SPEC",
      description =
          "Inject faults, e.g. crash=3,handler-errors=0.02,duplicate-events"
              + " (see docs/faults.md).")
  private String faults;

  @Option(
      names = "--seed",
      paramLabel = "N",
      description = "Seed of data and faults (default: ${DEFAULT-VALUE}).")
  private long seed = DEFAULTS.seed();

  @Option(
      names = "--verbose",
      description =
          "Also print the functions' own log lines (under faults, many report failures that are"
              + " then retried).")
  private boolean verbose;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    DemoOptions options;
    try {
      options =
          new DemoOptions(
              rows, tables, changes, DEFAULTS.cdcBatches(), shards, aggregate, keep, faults, seed);
    } catch (IllegalArgumentException e) {
      err.println("cdc demo: " + e.getMessage());
      return 2;
    }
    if (!verbose) {
      // The summary counts what the functions log; their lines would bury the progress display.
      ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.cdckinesis"))
          .setLevel(ch.qos.logback.classic.Level.OFF);
    }
    DemoReport report;
    try {
      report = DemoPipeline.run(options, System.console() != null);
    } catch (IllegalArgumentException e) {
      err.println("cdc demo: " + e.getMessage());
      return 2;
    }
    print(report, out);
    out.flush();
    return report.matches() ? 0 : 1;
  }

  static void print(DemoReport r, PrintWriter out) {
    out.printf(
        "cdc demo: %d tables, %,d rows, %,d changes, %d shards, aggregation %s%n",
        r.tables(), r.rows(), r.changes(), r.shards(), r.aggregate() ? "on" : "off");
    out.printf(
        "  DMS files written to S3   %,d (S3 events sent: %,d)%n",
        r.filesWritten(), r.eventsSent());
    out.printf(
        "  producer invocations      %,d (retries %,d, continuations %,d, sweeps %,d)%n",
        r.producerInvocations(), r.producerRetries(), r.continuations(), r.sweeps());
    out.printf(
        "  records on the stream     %,d in %,d Kinesis records, %,d PutRecords calls%n",
        r.records(), r.kinesisRecords(), r.putRecordsCalls());
    out.printf(
        "  sink retries              %,d entries retried, %,d throttled%n",
        r.retriedEntries(), r.throttledEntries());
    out.printf(
        "  consumer batches          %,d (retried %,d)%n",
        r.consumerBatches(), r.consumerRetriedBatches());
    out.printf(
        "  changes applied           %,d (duplicates skipped %,d, dead letters %,d, rows rejected %,d)%n",
        r.applied(), r.duplicatesSkipped(), r.deadLettered(), r.rejected());
    if (r.injected() != null) {
      out.println("  faults                    " + r.injected().describe());
    }
    out.printf("  elapsed                   %.1f s%n", r.elapsed().toMillis() / 1000.0);
    if (r.matches()) {
      out.println("replica matches source");
    } else {
      out.println("replica DIFFERS from source:");
      r.differences().forEach(d -> out.println("  " + d));
    }
  }
}
