package io.cdckinesis.examples.cli;

import io.cdckinesis.lambda.internal.ConfiguredEndpoints.Service;
import io.cdckinesis.local.LocalCredentials;
import io.cdckinesis.local.LocalKinesis;
import io.cdckinesis.local.LocalS3;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * {@code cdc local}: S3 and Kinesis emulators on this machine for {@code cdc load} and your own
 * code, until Ctrl-C. Prints the {@code export} lines that point the AWS SDKs (and so {@code cdc
 * load}) at them, and a ready {@code cdc load} command.
 */
@Command(
    name = "local",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Starts local S3 (s3proxy) and Kinesis (kinesalite) on 127.0.0.1, creates the buckets and"
          + " streams you ask for, prints the export lines (endpoints, dummy credentials, region,"
          + " CBOR off) and a cdc load command for another shell, and runs until Ctrl-C.",
      "Data lives in memory (S3 objects under --data DIR if given) and is gone when it stops."
    })
final class LocalCommand implements Callable<Integer> {

  @Spec private CommandSpec spec;

  @Option(
      names = "--bucket",
      paramLabel = "NAME",
      description = "Create this S3 bucket (repeatable).")
  private List<String> buckets = new ArrayList<>();

  @Option(
      names = "--stream",
      paramLabel = "NAME",
      description = "Create this Kinesis data stream (repeatable).")
  private List<String> streams = new ArrayList<>();

  @Option(
      names = "--shards",
      paramLabel = "N",
      defaultValue = "1",
      description = "Shards of each stream created (default: ${DEFAULT-VALUE}).")
  private int shards;

  @Option(
      names = "--s3-port",
      paramLabel = "PORT",
      defaultValue = "4568",
      description = "Port of the S3 server (default: ${DEFAULT-VALUE}; 0 for a free one).")
  private int s3Port;

  @Option(
      names = "--kinesis-port",
      paramLabel = "PORT",
      defaultValue = "4567",
      description = "Port of the Kinesis server (default: ${DEFAULT-VALUE}; 0 for a free one).")
  private int kinesisPort;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "Keep S3 objects as files under DIR (they stay after the servers stop).")
  private Path data;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String problem = checkOptions();
    if (problem != null) {
      err.println("cdc local: " + problem);
      return 2;
    }
    problem = portInUse(s3Port, "--s3-port");
    if (problem == null) {
      problem = portInUse(kinesisPort, "--kinesis-port");
    }
    if (problem != null) {
      err.println("cdc local: " + problem);
      return 1;
    }
    LocalS3 s3 = null;
    LocalKinesis kinesis = null;
    try {
      LocalTools.installKinesalite(err, "cdc local");
      s3 = data == null ? LocalS3.inMemory(s3Port) : LocalS3.onDisk(data, s3Port);
      kinesis = LocalKinesis.start(kinesisPort);
      for (String b : buckets) {
        s3.createBucket(b);
      }
      for (String s : streams) {
        kinesis.createStream(s, shards);
      }
    } catch (SdkException | IllegalStateException e) { // MissingToolException too
      err.println("cdc local: " + firstLine(e));
      close(kinesis, s3);
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    LocalS3 s3Server = s3;
    LocalKinesis kinesisServer = kinesis;
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  close(kinesisServer, s3Server);
                  err.println("cdc local: stopped");
                  err.flush();
                  stopped.countDown();
                },
                "cdc-local-stop"));
    exports(s3, kinesis).forEach(out::println);
    loadCommand().forEach(out::println);
    out.flush();
    err.println("cdc local: running; Ctrl-C stops both servers");
    err.flush();
    stopped.await(); // until the JVM shuts down (Ctrl-C, SIGTERM)
    return 0;
  }

  private String checkOptions() {
    if (shards < 1) {
      return "--shards must be 1 or more, got " + shards;
    }
    for (int port : new int[] {s3Port, kinesisPort}) {
      if (port < 0 || port > 65535) {
        return "ports are 0 (a free one) to 65535, got " + port;
      }
    }
    if (s3Port != 0 && s3Port == kinesisPort) {
      return "--s3-port and --kinesis-port must differ";
    }
    if (data != null) {
      try {
        Files.createDirectories(data);
      } catch (IOException e) {
        return "--data " + data + ": cannot create the folder: give a folder you can write to";
      }
    }
    return null;
  }

  /** A message when the loopback port is taken, else null. */
  private static String portInUse(int port, String option) {
    if (port == 0) {
      return null;
    }
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return null;
    } catch (IOException e) {
      return "port "
          + port
          + " is in use (another ./cdc local?): stop that, or give "
          + option
          + " another port (0 for a free one)";
    }
  }

  /** What to paste into another shell: the SDK settings for these servers, then a load command. */
  static List<String> exports(LocalS3 s3, LocalKinesis kinesis) {
    List<String> lines = new ArrayList<>();
    lines.add(
        "# S3 (s3proxy) at " + s3.endpoint() + ", Kinesis (kinesalite) at " + kinesis.endpoint());
    lines.add("# For the AWS SDKs, the AWS CLI and ./cdc load in another shell:");
    lines.add("export AWS_ACCESS_KEY_ID=" + LocalCredentials.ACCESS_KEY);
    lines.add("export AWS_SECRET_ACCESS_KEY=" + LocalCredentials.SECRET_KEY);
    lines.add("export AWS_REGION=" + LocalCredentials.REGION.id());
    lines.add("export " + Service.S3.environmentVariable() + "=" + s3.endpoint());
    lines.add("export " + Service.KINESIS.environmentVariable() + "=" + kinesis.endpoint());
    lines.add("export CBOR_ENABLED=false  # kinesalite cannot answer the Java SDK's CBOR");
    return lines;
  }

  /** A ready load command for the first stream and bucket (placeholders for those not made). */
  private List<String> loadCommand() {
    String stream = streams.isEmpty() ? "STREAM" : streams.get(0);
    String bucket = buckets.isEmpty() ? "BUCKET" : buckets.get(0);
    return List.of(
        "# Then send DMS files (from S3, or a local folder instead of the s3:// location):",
        "./cdc load --stream " + stream + " s3://" + bucket + "/");
  }

  private static String firstLine(Exception e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.lines().findFirst().orElse(m);
  }

  private static void close(LocalKinesis kinesis, LocalS3 s3) {
    if (kinesis != null) {
      kinesis.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }
}
