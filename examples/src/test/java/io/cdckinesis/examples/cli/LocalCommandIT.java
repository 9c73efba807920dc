package io.cdckinesis.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdckinesis.local.LocalKinesis;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code ./cdc local} as a user runs it: started as a process, its printed {@code export} lines
 * used as the environment of a {@code cdc load} process that sends DMS files from the local S3 to
 * the local stream, then stopped by a signal as Ctrl-C stops it.
 */
class LocalCommandIT {

  private static final Path JAR = Path.of("target", "cdc.jar").toAbsolutePath();
  private static final String JAVA =
      Path.of(System.getProperty("java.home"), "bin", "java").toString();

  @Test
  void printsExportsThatCdcLoadUsesAndStopsOnASignal(@TempDir Path dir) throws Exception {
    LocalKinesis.install(); // announced on stderr otherwise; not what this test is about
    Process local =
        new ProcessBuilder(
                JAVA,
                "-jar",
                JAR.toString(),
                "local",
                "--bucket",
                "dms-target",
                "--stream",
                "changes",
                "--shards",
                "2",
                "--s3-port",
                "0",
                "--kinesis-port",
                "0")
            .redirectError(dir.resolve("local-err.txt").toFile())
            .start();
    try {
      List<String> printed = readUntilLoadCommand(local);
      Map<String, String> exports = new HashMap<>();
      for (String line : printed) {
        if (line.startsWith("export ")) {
          String assignment = line.substring(7).replaceAll("\\s+#.*$", "");
          exports.put(
              assignment.substring(0, assignment.indexOf('=')),
              assignment.substring(assignment.indexOf('=') + 1));
        }
      }
      assertThat(exports)
          .containsKeys(
              "AWS_ACCESS_KEY_ID",
              "AWS_SECRET_ACCESS_KEY",
              "AWS_REGION",
              "AWS_ENDPOINT_URL_S3",
              "AWS_ENDPOINT_URL_KINESIS")
          .containsEntry("CBOR_ENABLED", "false");
      assertThat(printed).last().isEqualTo("./cdc load --stream changes s3://dms-target/");

      URI s3Endpoint = URI.create(exports.get("AWS_ENDPOINT_URL_S3"));
      StaticCredentialsProvider credentials =
          StaticCredentialsProvider.create(
              AwsBasicCredentials.create(
                  exports.get("AWS_ACCESS_KEY_ID"), exports.get("AWS_SECRET_ACCESS_KEY")));
      try (S3Client s3 =
          S3Client.builder()
              .endpointOverride(s3Endpoint)
              .forcePathStyle(true)
              .region(Region.of(exports.get("AWS_REGION")))
              .credentialsProvider(credentials)
              .build()) {
        s3.putObject(
            b -> b.bucket("dms-target").key("app/users/LOAD00000001.csv"),
            RequestBody.fromString("id,name\n1,Ann\n2,Bo\n3,Cy\n"));
      }
      Path settings = Files.writeString(dir.resolve("s3.json"), "{\"AddColumnName\": true}");

      // As printed (127.0.0.1), then with localhost, which needs path-style S3 requests.
      Run load = load(exports, settings, dir);
      Map<String, String> byName = new HashMap<>(exports);
      byName.put("AWS_ENDPOINT_URL_S3", "http://localhost:" + s3Endpoint.getPort());
      Run loadByName = load(byName, settings, dir);

      assertThat(load.exit()).as(load.err()).isZero();
      assertThat(load.err()).contains("3 read").contains("3 acknowledged by stream changes");
      assertThat(loadByName.exit()).as(loadByName.err()).isZero();
      try (KinesisClient kinesis =
          KinesisClient.builder()
              .endpointOverride(URI.create(exports.get("AWS_ENDPOINT_URL_KINESIS")))
              .region(Region.of(exports.get("AWS_REGION")))
              .credentialsProvider(credentials)
              .build()) {
        // Each load also announces its table's full load with a control record on every shard.
        io.cdckinesis.core.EnvelopeCodec codec = io.cdckinesis.core.EnvelopeCodec.create();
        assertThat(
                LocalKinesis.readAll(kinesis, "changes").values().stream()
                    .flatMap(List::stream)
                    .filter(
                        r ->
                            codec.decode(r.data().asByteArray())
                                instanceof io.cdckinesis.core.Envelope.Data)
                    .count())
            .isEqualTo(6);
      }

      local.destroy(); // SIGTERM: the same shutdown path as Ctrl-C's SIGINT
      assertThat(local.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(Files.readString(dir.resolve("local-err.txt")))
          .contains("cdc local: running; Ctrl-C stops both servers")
          .endsWith("cdc local: stopped\n");
      assertThat(listening(s3Endpoint.getPort())).isFalse();
      assertThat(listening(URI.create(exports.get("AWS_ENDPOINT_URL_KINESIS")).getPort()))
          .isFalse();
    } finally {
      local.destroyForcibly();
    }
  }

  private static List<String> readUntilLoadCommand(Process p) throws IOException {
    List<String> lines = new ArrayList<>();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    for (String line; (line = out.readLine()) != null; ) {
      lines.add(line);
      if (line.startsWith("./cdc load")) {
        return lines;
      }
    }
    throw new AssertionError("cdc local ended before printing a load command: " + lines);
  }

  record Run(int exit, String err) {}

  private static Run load(Map<String, String> env, Path settings, Path dir)
      throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder(
            JAVA,
            "-jar",
            JAR.toString(),
            "load",
            "--stream",
            "changes",
            "--settings",
            settings.toString(),
            "s3://dms-target/");
    pb.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.equals("CBOR_ENABLED"));
    pb.environment().putAll(env);
    Path err = Files.createTempFile(dir, "load", ".err");
    Process p =
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("cdc load timed out");
    }
    return new Run(p.exitValue(), Files.readString(err));
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
