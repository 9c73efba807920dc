package io.cdckinesis.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdckinesis.core.ConfigurationException;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Every message a newcomer met in their first hour is one line that names the problem and the fix
 * (issue 13). Those that need a separate process (no Node.js, no credentials) are in {@code
 * CdcJarIT}.
 */
class CliMessagesTest {

  @Test
  void noCommandIsAUsageErrorWithTheUsage() {
    CliRun run = CliRun.cdc();

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .startsWith("cdc: give a command, e.g. ./cdc demo\n")
        .contains("Usage: cdc");
  }

  @Test
  void helpShowsTheDemosWholeDescription() {
    String help = new String(CliRun.cdc("--help").out(), StandardCharsets.UTF_8);

    assertThat(help.replaceAll("\\s+", " "))
        .contains(
            "demo Runs the whole pipeline on local S3 (s3proxy) and Kinesis (kinesalite): a"
                + " simulated source database written to S3 as DMS writes it (parallel load, an"
                + " unsupplied LOB column, ADD COLUMN and TRUNCATE during CDC), the producer"
                + " function invoked with S3 events, the consumer function fed by an event source"
                + " mapping, a replica of every table kept in a database (embedded H2, or"
                + " --replica-jdbc) and compared with the source by SQL at the end. Exit status 0"
                + " only when they match.");
  }

  @Test
  void faultsHelpMentionsTheDefaultMix() {
    String help = new String(CliRun.cdc("demo", "--help").out(), StandardCharsets.UTF_8);

    assertThat(help.replaceAll("\\s+", " ")).contains("--faults=SPEC Inject faults: `default` for");
  }

  @Test
  void aNegativeRowCountNamesTheOption() {
    CliRun run = CliRun.cdc("demo", "--rows", "-5");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo("cdc demo: --rows must be 0 or more, got -5 (give --rows 0 or more)\n");
    assertThat(CliRun.cdc("demo", "--shards", "0").err())
        .isEqualTo("cdc demo: --shards must be 1 or more, got 0 (give --shards 1 or more)\n");
  }

  @Test
  void aKeepFolderThatCannotBeWrittenIsOneLine(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    CliRun run = CliRun.cdc("demo", "--keep=" + file.resolve("x"));

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .startsWith("cdc demo: --keep " + file.resolve("x") + ": cannot create or write the folder")
        .endsWith("give a folder you can write to, e.g. --keep ./cdc-data\n")
        .hasLineCount(1);
    if (Files.isDirectory(Path.of("/proc/self"))) {
      CliRun proc = CliRun.cdc("demo", "--keep=/proc/x");
      assertThat(proc.exit()).isEqualTo(2);
      assertThat(proc.err()).startsWith("cdc demo: --keep /proc/x: cannot create").hasLineCount(1);
    }
  }

  @Test
  void aMissingSettingsFileNamesTheOptionAndTheFix(@TempDir Path dir) throws Exception {
    Path data = Files.writeString(dir.resolve("LOAD00000001.csv"), "1,a\n");
    CliRun run = CliRun.cdc("convert", "--settings", "nosuch.json", data.toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err())
        .startsWith("cdc convert: --settings nosuch.json: no such file (save the target endpoint's")
        .doesNotContain("Exception")
        .hasLineCount(1);
    assertThat(CliRun.cdc("convert", "--tables", "nosuch.json", data.toString()).err())
        .startsWith("cdc convert: --tables nosuch.json: no such file")
        .hasLineCount(1);
    CliRun load = CliRun.cdc("load", "--stream", "s", "--settings", "nosuch.json", "x");
    assertThat(load.err()).startsWith("cdc load: --settings nosuch.json: no such file");
  }

  @Test
  void invalidJsonSaysWhereWithoutJacksonsNotes(@TempDir Path dir) throws Exception {
    Path data = Files.writeString(dir.resolve("LOAD00000001.csv"), "1,a\n");
    Path bad = Files.writeString(dir.resolve("bad.json"), "{\n  bad");

    CliRun settings = CliRun.cdc("convert", "--settings", bad.toString(), data.toString());
    CliRun tables = CliRun.cdc("convert", "--tables", bad.toString(), data.toString());

    for (CliRun run : new CliRun[] {settings, tables}) {
      assertThat(run.exit()).isEqualTo(1);
      assertThat(run.err())
          .contains(bad + " are not valid JSON: Unexpected character")
          .contains("(line 2, column 3)")
          .doesNotContain("REDACTED")
          .doesNotContain("StreamReadFeature")
          .doesNotContain("JsonParseException")
          .hasLineCount(1);
    }
  }

  @Test
  void missingCredentialsAreOneLineWithTheVariablesToSet() {
    String chainDump =
        "Unable to load credentials from any of the providers in the chain"
            + " AwsCredentialsProviderChain(credentialsProviders=[...]) : [...]";

    assertThatThrownBy(
            () ->
                CliClients.credentials(
                    () -> {
                      throw SdkClientException.create(chainDump);
                    }))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (any values"
                + " for a local emulator), or AWS_PROFILE");
  }

  @Test
  void localRefusesATakenPortBeforeStartingAnything() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CliRun run = CliRun.cdc("local", "--s3-port", Integer.toString(taken.getLocalPort()));

      assertThat(run.exit()).isEqualTo(1);
      assertThat(run.err())
          .isEqualTo(
              "cdc local: port "
                  + taken.getLocalPort()
                  + " is in use (another ./cdc local?): stop that, or give --s3-port another port"
                  + " (0 for a free one)\n");
    }
    assertThat(CliRun.cdc("local", "--shards", "0").err())
        .isEqualTo("cdc local: --shards must be 1 or more, got 0\n");
  }

  @Test
  void aBadArgumentIsOneLinePointingToTheHelp() {
    CliRun run = CliRun.cdc("demo", "--rows", "many");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "cdc demo: Invalid value for option '--rows': 'many' is not an int (see ./cdc demo"
                + " --help)\n");
  }

  @Test
  void anUnexpectedFailureIsOneLine() {
    StringWriter err = new StringWriter();
    CommandLine cli = CdcCommand.commandLine(new CdcCommand(new ByteArrayOutputStream()));
    cli.addSubcommand("boom", new Boom());
    cli.setErr(new PrintWriter(err));

    int exit = cli.execute("boom");

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString())
        .isEqualTo(
            "cdc boom: failed: IllegalStateException: first line (set CDC_STACKTRACE=1 for the"
                + " stack trace)\n");
  }

  @CommandLine.Command(name = "boom")
  static final class Boom implements Callable<Integer> {
    @Override
    public Integer call() {
      throw new IllegalStateException("first line\nsecond line");
    }
  }
}
