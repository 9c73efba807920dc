package io.cdckinesis.examples.cli;

import io.cdckinesis.core.BadRowPolicy;
import io.cdckinesis.core.ConfigurationException;
import io.cdckinesis.core.DmsCsvSettings;
import io.cdckinesis.core.EnvelopeCodec;
import io.cdckinesis.core.TableDefinitions;
import io.cdckinesis.core.spi.InMemoryStateStore;
import io.cdckinesis.core.spi.StateStore;
import io.cdckinesis.kinesis.KinesisChangeSink;
import io.cdckinesis.kinesis.KinesisSinkConfig;
import io.cdckinesis.kinesis.SinkMetrics;
import io.cdckinesis.lambda.internal.ConfiguredEndpoints.Service;
import io.cdckinesis.s3.S3Location;
import io.cdckinesis.s3.S3ObjectSource;
import io.cdckinesis.s3.S3ObjectStore;
import io.cdckinesis.s3.S3PayloadStore;
import io.cdckinesis.s3.S3StateStore;
import java.io.Console;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code cdc load}: sends the tables of DMS files in S3 or on local disk into an existing stream
 * through {@link io.cdckinesis.pipeline.ProducerEngine} (see {@link EngineLoad}), with progress
 * while it runs and a summary at the end.
 */
@Command(
    name = "load",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Sends the tables of DMS CSV files in S3 (s3://bucket/prefix, listed) or on local disk"
          + " (files or folders, walked) into an existing Kinesis data stream, through the same"
          + " producer the Lambda function runs: per table in DMS order (full load, then changes"
          + " by file time), with the control records it sends for loads and column changes.",
      "Table states are kept in memory, or with --state in S3, where a rerun resumes from the"
          + " last checkpoint.",
      "Shows a progress bar on a terminal (a line per file otherwise) and a summary on standard"
          + " error at the end. Credentials come from the AWS default chain.",
      "Exit codes: 0 all sent; 1 failure (missing stream, nothing to load, a write that failed,"
          + " or bad input with --on-error fail); 2 usage error; 3 bad rows or files were skipped"
          + " (with --on-error skip)."
    })
final class LoadCommand implements Callable<Integer> {

  /** Keys per ListObjectsV2 page: S3's maximum. */
  private static final int LIST_PAGE_SIZE = 1000;

  @Spec private CommandSpec spec;

  @Option(
      names = "--stream",
      required = true,
      paramLabel = "NAME|ARN",
      description = "The Kinesis data stream to write to (it must exist).")
  private String stream;

  @Option(
      names = "--kinesis-endpoint",
      paramLabel = "URL",
      description =
          "Kinesis endpoint override, e.g. a local emulator (http://127.0.0.1:4567). Default:"
              + " AWS_ENDPOINT_URL_KINESIS or AWS_ENDPOINT_URL when set (see ./cdc local).")
  private String kinesisEndpoint;

  @Option(
      names = "--s3-endpoint",
      paramLabel = "URL",
      description =
          "S3 endpoint override (path-style requests), e.g. http://127.0.0.1:4568. Default:"
              + " AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL when set.")
  private String s3Endpoint;

  @Option(
      names = "--region",
      paramLabel = "REGION",
      description =
          "AWS region. Default: the default chain (AWS_REGION, profile); us-east-1 when an"
              + " endpoint is overridden and none is configured.")
  private String region;

  @Mixin private DmsFileOptions dms;

  @Option(
      names = "--aggregate",
      description = "Pack many change records into each Kinesis record (KPL aggregation).")
  private boolean aggregate;

  @Option(
      names = "--max-record-bytes",
      paramLabel = "BYTES",
      description =
          "Largest Kinesis record (data plus partition key). Default: 1048576 (1 MiB). Rows"
              + " larger than this need --payload-store.")
  private Integer maxRecordBytes;

  @Option(
      names = "--payload-store",
      paramLabel = "s3://BUCKET/PREFIX",
      description =
          "Where rows too large for one record are stored; the stream gets a pointer. Without it"
              + " such a row stops the load.")
  private String payloadStore;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      description =
          "Stop with exit 1 when records are still not acknowledged after this long (ISO-8601,"
              + " e.g. PT30M): a stream at its limits throttles, and throttling is waited out"
              + " until then. Default: no limit.")
  private Duration timeout;

  @Option(
      names = "--state",
      paramLabel = "s3://BUCKET/PREFIX",
      description =
          "Where table states (checkpoints) are kept, so that a load that was stopped or failed"
              + " and is run again resumes where it left off instead of sending everything again."
              + " Default: in memory, for this run only.")
  private String state;

  @Option(
      names = "--lease",
      paramLabel = "DURATION",
      description =
          "How long a table stays claimed by this load without renewal (ISO-8601). With --state,"
              + " a rerun after a crash waits up to this long for the dead run's claim to end."
              + " Default: PT1M.")
  private Duration lease = Duration.ofMinutes(1);

  @Parameters(
      paramLabel = "SOURCE",
      arity = "1..*",
      description = "s3://bucket/prefix locations, DMS data files or folders.")
  private List<String> sources;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    try {
      return load(err);
    } finally {
      err.flush();
    }
  }

  private int load(PrintWriter err) {
    // Usage: everything the command line alone can tell.
    BadRowPolicy policy;
    try {
      policy = dms.policy();
    } catch (IllegalArgumentException e) {
      return usage(err, e.getMessage());
    }
    URI kinesisUri;
    URI s3Uri;
    S3Location payloadLocation;
    S3Location stateLocation;
    List<Object> parsedSources = new ArrayList<>();
    KinesisSinkConfig config;
    try {
      kinesisUri = CliClients.endpoint("--kinesis-endpoint", kinesisEndpoint, Service.KINESIS);
      s3Uri = CliClients.endpoint("--s3-endpoint", s3Endpoint, Service.S3);
      payloadLocation = payloadStore == null ? null : S3Location.parse(payloadStore);
      stateLocation = state == null ? null : S3Location.parse(state);
      for (String s : sources) {
        parsedSources.add(S3Prefix.isS3(s) ? S3Prefix.parse(s) : Path.of(s));
      }
      config = sinkConfig();
    } catch (IllegalArgumentException | ConfigurationException e) { // InvalidPathException too
      return usage(err, e.getMessage());
    }
    if (stream.isBlank()) {
      return usage(err, "--stream is blank");
    }
    if (lease.compareTo(Duration.ofSeconds(4)) < 0) {
      return usage(err, "--lease must be at least PT4S, got " + lease);
    }

    DmsCsvSettings settings;
    TableDefinitions tables;
    Region awsRegion;
    AwsCredentialsProvider credentials;
    try {
      settings = dms.settings();
      tables = dms.tables();
      awsRegion =
          CliClients.region(
              region, kinesisUri != null || s3Uri != null, CliClients::defaultChainRegion);
      credentials = CliClients.credentials(DefaultCredentialsProvider.create());
    } catch (ConfigurationException | IllegalArgumentException e) {
      return fail(err, e.getMessage());
    }

    boolean needS3 =
        payloadLocation != null
            || stateLocation != null
            || parsedSources.stream().anyMatch(s -> s instanceof S3Prefix);
    try (KinesisClient kinesis = CliClients.kinesis(awsRegion, kinesisUri, credentials);
        S3Client s3 = needS3 ? CliClients.s3(awsRegion, s3Uri, credentials) : null) {
      String problem = checkStream(kinesis, awsRegion, kinesisUri);
      if (problem != null) {
        return fail(err, problem);
      }
      Problems problems = new Problems(policy, err);
      List<DmsInput> inputs = new ArrayList<>();
      Integer stop = collect(parsedSources, settings, problems, s3, inputs, err);
      if (stop != null) {
        return stop;
      }
      S3PayloadStore store =
          payloadLocation == null
              ? null
              : S3PayloadStore.builder().client(s3).location(payloadLocation).build();
      StateStore states =
          stateLocation == null
              ? new InMemoryStateStore()
              : S3StateStore.builder().client(s3).location(stateLocation).build();
      return send(inputs, settings, tables, config, store, states, kinesis, s3, problems, err);
    } catch (SdkException e) {
      return fail(err, e.getMessage()); // building clients: e.g. an unusable credentials setup
    }
  }

  private KinesisSinkConfig sinkConfig() {
    KinesisSinkConfig.Builder b = KinesisSinkConfig.builder().aggregation(aggregate);
    if (maxRecordBytes != null) {
      b.maxRecordBytes(maxRecordBytes)
          .maxRequestBytes(Math.max(KinesisSinkConfig.DEFAULT_MAX_REQUEST_BYTES, maxRecordBytes));
      KinesisSinkConfig defaults = KinesisSinkConfig.defaults();
      b.maxBufferedBytes(Math.max(defaults.maxBufferedBytes(), maxRecordBytes));
    }
    return b.build();
  }

  /** A reason not to start, or {@code null} when the stream can be written to. */
  private String checkStream(KinesisClient kinesis, Region awsRegion, URI endpoint) {
    boolean arn = stream.startsWith("arn:");
    String where = "region " + awsRegion + (endpoint == null ? "" : " at " + endpoint);
    StreamDescriptionSummary summary;
    try {
      summary =
          kinesis
              .describeStreamSummary(
                  b -> {
                    if (arn) {
                      b.streamARN(stream);
                    } else {
                      b.streamName(stream);
                    }
                  })
              .streamDescriptionSummary();
    } catch (ResourceNotFoundException e) {
      return "stream " + stream + " does not exist in " + where + " (create it first)";
    } catch (SdkException e) {
      return "cannot describe stream " + stream + " in " + where + ": " + e.getMessage();
    }
    StreamStatus status = summary.streamStatus();
    if (status != StreamStatus.ACTIVE && status != StreamStatus.UPDATING) {
      return "stream "
          + stream
          + " is "
          + summary.streamStatusAsString()
          + "; it can be written to when ACTIVE";
    }
    return null;
  }

  /** Finds the files to send; an exit code when the command must stop, else {@code null}. */
  private Integer collect(
      List<Object> parsedSources,
      DmsCsvSettings settings,
      Problems problems,
      S3Client s3,
      List<DmsInput> inputs,
      PrintWriter err) {
    DmsInputs finder = new DmsInputs(settings, problems);
    S3ObjectSource source = s3 == null ? null : S3ObjectSource.builder().client(s3).build();
    try {
      for (Object s : parsedSources) {
        if (s instanceof S3Prefix prefix) {
          if (finder.addS3(s3, source, prefix, LIST_PAGE_SIZE, inputs) < 0) {
            return 1;
          }
        } else if (!finder.addLocal((Path) s, null, inputs)) {
          return 1;
        }
      }
    } catch (DmsInputs.ListingException | DmsInputs.NoDmsFilesException e) {
      return fail(err, e.getMessage());
    }
    if (inputs.isEmpty()) {
      return fail(err, "nothing to load");
    }
    return null;
  }

  private int send(
      List<DmsInput> inputs,
      DmsCsvSettings settings,
      TableDefinitions tables,
      KinesisSinkConfig config,
      S3PayloadStore store,
      StateStore states,
      KinesisClient kinesis,
      S3Client s3,
      Problems problems,
      PrintWriter err) {
    long totalBytes = inputs.stream().mapToLong(DmsInput::size).sum();
    boolean terminal = interactiveTerminal();
    LoadProgress progress =
        terminal
            ? new TerminalProgress(
                new ConsoleProgressBarConsumer(System.err), err, inputs.size(), totalBytes)
            : new FileLineProgress(err, inputs.size());
    if (terminal) {
      problems.output(progress::printAbove);
    }
    EnvelopeCodec codec = EnvelopeCodec.withTables(tables);
    EngineLoad[] load = new EngineLoad[1];
    load[0] =
        new EngineLoad(
            settings,
            tables,
            states,
            fence -> {
              KinesisChangeSink.Builder sink =
                  KinesisChangeSink.builder()
                      .client(kinesis)
                      .codec(codec)
                      .config(config)
                      .payloadStore(store)
                      .fence(fence)
                      .metricsListener(m -> progress.update(load[0].read(), load[0].sent()));
              if (stream.startsWith("arn:")) {
                sink.streamArn(stream);
              } else {
                sink.streamName(stream);
              }
              if (timeout != null) {
                sink.timeBudget(timeout);
              }
              return sink.build();
            },
            config.aggregation(),
            lease,
            problems,
            progress);
    long start = System.nanoTime();
    String failure = load[0].run(inputs, s3 == null ? null : new S3ObjectStore(s3));
    if (failure != null && store == null && failure.contains("no payload store")) {
      failure += " (give --payload-store s3://BUCKET/PREFIX)";
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    SinkMetrics metrics = load[0].sent();
    DmsFileConverter.Result read = load[0].read();
    read.problems = problems.count();
    read.failed = problems.failed();
    progress.update(read, metrics);
    progress.close();

    int exit;
    String outcome;
    if (failure != null) {
      err.println("cdc load: " + failure);
      exit = 1;
      outcome = "stopped by a failure";
    } else if (problems.failed()) {
      exit = 1;
      outcome = "stopped at bad input";
    } else if (problems.count() > 0) {
      exit = CdcCommand.EXIT_SKIPPED;
      outcome = "finished, bad input skipped";
    } else {
      exit = 0;
      outcome = "finished";
    }
    new LoadSummary(
            outcome, exit, stream, load[0].totalFiles(), read, metrics, elapsed, load[0].keyless())
        .lines()
        .forEach(err::println);
    return exit;
  }

  /**
   * Whether a person watches: a console that is a terminal. From Java 22 on, {@code
   * System.console()} also exists when the streams are redirected; {@code Console.isTerminal()}
   * (looked up reflectively, the code targets Java 17) then tells.
   */
  static boolean interactiveTerminal() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (NoSuchMethodException e) {
      return true; // before Java 22 a console exists only on a terminal
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }

  private static int usage(PrintWriter err, String message) {
    err.println("cdc load: " + message);
    return 2;
  }

  private static int fail(PrintWriter err, String message) {
    err.println("cdc load: " + message);
    return 1;
  }
}
