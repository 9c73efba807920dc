package io.cdckinesis.examples.cli;

import io.cdckinesis.examples.demo.DemoOptions;
import io.cdckinesis.examples.demo.DemoPipeline;
import io.cdckinesis.examples.demo.DemoReport;
import io.cdckinesis.examples.demo.ReplicaTarget;
import io.cdckinesis.examples.demo.ReplicaUnavailableException;
import io.cdckinesis.examples.demo.Situation;
import io.cdckinesis.local.MissingToolException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
    // One paragraph: picocli shows a command's first description line in the command list.
    description =
        "Runs the whole pipeline on local S3 (s3proxy) and Kinesis (kinesalite): a simulated"
            + " source database written to S3 as DMS writes it (parallel load, an unsupplied LOB"
            + " column, ADD COLUMN and TRUNCATE during CDC), the producer function invoked with"
            + " S3 events, the consumer function fed by an event source mapping, a replica of"
            + " every table kept in a database (embedded H2, or --replica-jdbc) and compared with"
            + " the source by SQL at the end. Exit status 0 only when they match.")
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
          "Inject faults: `default` for the full mix of the reliability suite, or items such as"
              + " crash=3,handler-errors=0.02,duplicate-events (see docs/faults.md).")
  private String faults;

  @Option(
      names = "--seed",
      paramLabel = "N",
      description = "Seed of data and faults (default: ${DEFAULT-VALUE}).")
  private long seed = DEFAULTS.seed();

  @Option(
      names = "--situations",
      paramLabel = "LIST",
      description =
          "DMS situations to play: parallel-load, lob, add-column, truncate, reload, or all, none"
              + " (default: all but reload, which waits for S3's one-second clock).")
  private String situations = "default";

  @Option(
      names = "--replica-jdbc",
      paramLabel = "URL",
      description =
          "Keep the replica in your database instead of an embedded H2 one: a jdbc:postgresql:"
              + " (or jdbc:h2:) URL. The demo drops and recreates schema cdc_demo there.")
  private String replicaJdbc;

  @Option(
      names = "--replica-user",
      paramLabel = "USER",
      description = "User for --replica-jdbc (default: $CDC_REPLICA_USER, else the URL's).")
  private String replicaUser;

  @Option(
      names = "--replica-password",
      paramLabel = "PASSWORD",
      arity = "0..1",
      interactive = true,
      description =
          "Password for --replica-jdbc; without a value it is asked for (default:"
              + " $CDC_REPLICA_PASSWORD, else the URL's). Never printed.")
  private char[] replicaPassword;

  @Option(
      names = "--verbose",
      description =
          "Also print the functions' own log lines (INFO and above; under faults, many report"
              + " failures that are then retried).")
  private boolean verbose;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    DemoOptions options;
    try {
      options =
          new DemoOptions(
              rows,
              tables,
              changes,
              DEFAULTS.cdcBatches(),
              shards,
              aggregate,
              keep,
              faults,
              seed,
              Situation.parse(situations),
              replicaTarget());
      if (keep != null) {
        checkWritable(keep);
      }
    } catch (IllegalArgumentException e) {
      err.println("cdc demo: " + e.getMessage());
      return 2;
    }
    // The summary counts what the functions log; unless asked, their lines would bury the
    // progress display.
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.cdckinesis"))
        .setLevel(verbose ? ch.qos.logback.classic.Level.INFO : ch.qos.logback.classic.Level.OFF);
    DemoReport report;
    Duration cpuBefore;
    try {
      LocalTools.installKinesalite(err, "cdc demo");
      cpuBefore = CpuTime.used();
      report = DemoPipeline.run(options, LoadCommand.interactiveTerminal());
    } catch (IllegalArgumentException e) {
      err.println("cdc demo: " + e.getMessage());
      return 2;
    } catch (MissingToolException | ReplicaUnavailableException e) {
      err.println("cdc demo: " + e.getMessage());
      return 1;
    }
    print(report, CpuTime.used().minus(cpuBefore), out);
    out.flush();
    return report.matches() ? 0 : 1;
  }

  /** The user's database from --replica-jdbc and its credentials, or null for embedded H2. */
  private ReplicaTarget replicaTarget() {
    String user = replicaUser != null ? replicaUser : System.getenv("CDC_REPLICA_USER");
    String password =
        replicaPassword != null
            ? new String(replicaPassword)
            : System.getenv("CDC_REPLICA_PASSWORD");
    if (replicaJdbc == null) {
      if (replicaUser != null || replicaPassword != null) {
        throw new IllegalArgumentException(
            "--replica-user and --replica-password go with --replica-jdbc URL");
      }
      return null;
    }
    return new ReplicaTarget(replicaJdbc, user, password);
  }

  /** A --keep folder the demo can write to, or a one-line reason why not. */
  private static void checkWritable(Path dir) {
    try {
      Files.createDirectories(dir);
      if (!Files.isWritable(dir)) {
        throw new AccessDeniedException(dir.toString());
      }
    } catch (IOException | SecurityException e) {
      String why =
          e instanceof AccessDeniedException || e instanceof SecurityException
              ? "permission denied"
              : e instanceof FileSystemException f && f.getReason() != null
                  ? f.getReason()
                  : e.getClass().getSimpleName();
      throw new IllegalArgumentException(
          "--keep "
              + dir
              + ": cannot create or write the folder ("
              + why
              + "): give a folder you"
              + " can write to, e.g. --keep ./cdc-data");
    }
  }

  /**
   * Prints the summary.
   *
   * @param cpu CPU time of the run (this process and, where the system tells, the emulator's)
   */
  static void print(DemoReport r, Duration cpu, PrintWriter out) {
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
        "  changes applied           %,d, each once (%,d handed over, redeliveries included;"
            + " dead letters %,d, rows rejected %,d)%n",
        r.applied(), r.handedOver(), r.deadLettered(), r.rejected());
    if (r.injected() != null) {
      out.println("  faults                    " + r.injected().describe());
    }
    String label = "  DMS situations            ";
    for (String s : r.situations()) {
      out.println(label + s);
      label = " ".repeat(label.length());
    }
    out.println("  replica                   " + r.replica());
    // The load average says how much of the wall time other processes took (a shared machine).
    double load =
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    out.printf(
        "  elapsed                   %.1f s wall, %.1f s CPU%s on %d cores%s%n",
        r.elapsed().toMillis() / 1000.0,
        cpu.toMillis() / 1000.0,
        CpuTime.includesChildren() ? " (with the Kinesis emulator)" : "",
        Runtime.getRuntime().availableProcessors(),
        load >= 0 ? String.format(", load average %.1f", load) : "");
    if (r.matches()) {
      out.println("replica matches source");
    } else {
      out.println("replica DIFFERS from source:");
      r.differences().forEach(d -> out.println("  " + d));
    }
  }
}
