package io.cdckinesis.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdckinesis.local.LocalKinesis;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built command line ({@code ./cdc}, {@code target/cdc.jar}) run as a user runs it, in a
 * separate process whose environment lacks what a newcomer's may lack: credentials, Node.js, npm.
 */
class CdcJarIT {

  private static final Path JAR = Path.of("target", "cdc.jar").toAbsolutePath();
  private static final Path SCRIPT = Path.of("..", "cdc").toAbsolutePath().normalize();
  private static final String JAVA =
      Path.of(System.getProperty("java.home"), "bin", "java").toString();

  record Run(int exit, String out, String err) {}

  private static Run run(List<String> command, Map<String, String> env, Path dir)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
    pb.environment().putAll(env);
    Path out = dir.resolve("stdout.txt");
    Path err = dir.resolve("stderr.txt");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + command);
    }
    return new Run(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  private static List<String> cdcJar(String... args) {
    List<String> command = new ArrayList<>(List.of(JAVA, "-jar", JAR.toString()));
    command.addAll(List.of(args));
    return command;
  }

  @Test
  void theScriptWithoutACommandExits2WithTheUsage(@TempDir Path dir) throws Exception {
    Run run = run(List.of(SCRIPT.toString()), Map.of("CDC_JAR", JAR.toString()), dir);

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).startsWith("cdc: give a command, e.g. ./cdc demo").contains("Usage: cdc");
  }

  @Test
  void missingCredentialsAreOneLineNamingTheVariables(@TempDir Path dir) throws Exception {
    Path table = Files.createDirectories(dir.resolve("data/dbo/t"));
    Files.writeString(table.resolve("LOAD00000001.csv"), "1,a\n");

    Run run =
        run(
            cdcJar("load", "--stream", "s", "--kinesis-endpoint", "http://127.0.0.1:9", "data"),
            Map.of(
                "HOME", dir.toString(), // no ~/.aws
                "AWS_REGION", "us-east-1",
                "AWS_EC2_METADATA_DISABLED", "true"),
            dir);

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err())
        .isEqualTo(
            "cdc load: no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
                + " (any values for a local emulator), or AWS_PROFILE\n");
  }

  @Test
  void withoutNpmTheDemoSaysToInstallNodeInOneLine(@TempDir Path dir) throws Exception {
    Path emptyPath = Files.createDirectories(dir.resolve("bin"));
    Run run =
        run(
            cdcJar("demo", "--rows", "1", "--changes", "1"),
            Map.of(
                "PATH", emptyPath.toString(),
                "CDC_KINESALITE_HOME", dir.resolve("kinesalite").toString()),
            dir);

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err().lines().toList())
        .containsExactly(
            "cdc demo: installing the Kinesis emulator (kinesalite) with npm into "
                + dir.resolve("kinesalite")
                + " (first run only)...",
            "cdc demo: npm is not installed or not on the PATH (needed once to install the Kinesis"
                + " emulator): install Node.js with npm (https://nodejs.org), or set CDC_NPM to"
                + " its path");
  }

  @Test
  void withoutNodeTheDemoSaysToInstallItInOneLine(@TempDir Path dir) throws Exception {
    LocalKinesis.install(); // with this JVM's npm, so that only node is missing below
    Path emptyPath = Files.createDirectories(dir.resolve("bin"));
    Run run =
        run(
            cdcJar("demo", "--rows", "1", "--changes", "1"),
            Map.of(
                "PATH",
                emptyPath.toString(),
                "CDC_KINESALITE_HOME",
                LocalKinesis.installationFolder().toString()),
            dir);

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err())
        .endsWith(
            "cdc demo: node is not installed or not on the PATH (the Kinesis emulator kinesalite"
                + " runs on it): install Node.js with npm (https://nodejs.org), or set CDC_NODE to"
                + " its path\n")
        .doesNotContain("\tat ");
  }
}
