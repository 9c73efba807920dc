package io.cdckinesis.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DemoCommandIT {

  @Test
  void printsTheSummaryAndExitsZeroWhenTheReplicaMatches() {
    CliRun run =
        CliRun.cdc("demo", "--rows", "40", "--tables", "2", "--changes", "80", "--shards", "1");

    String out = new String(run.out(), StandardCharsets.UTF_8);
    assertThat(run.exit()).isZero();
    assertThat(out)
        .contains("cdc demo: 2 tables, 80 rows, 80 changes, 1 shards, aggregation off")
        .contains("records on the stream     160")
        .contains("changes applied           160")
        .endsWith("replica matches source" + System.lineSeparator());
  }

  @Test
  void rejectsImpossibleOptionsWithAUsageError() {
    CliRun run = CliRun.cdc("demo", "--tables", "0");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("--tables must be 1 or more, got 0");
  }

  @Test
  void theSummaryGivesWallAndCpuTime() {
    CliRun run = CliRun.cdc("demo", "--rows", "10", "--tables", "1", "--changes", "10");

    assertThat(new String(run.out(), StandardCharsets.UTF_8))
        .containsPattern(
            "  elapsed {19}\\d+\\.\\d s wall, \\d+\\.\\d s CPU( \\(with the Kinesis"
                + " emulator\\))? on \\d+ cores");
  }

  @Test
  void verboseShowsTheFunctionsLogLinesAndQuietDoesNot() {
    String quiet = functionLogs("demo", "--rows", "10", "--tables", "1", "--changes", "10");
    String verbose =
        functionLogs("demo", "--rows", "10", "--tables", "1", "--changes", "10", "--verbose");

    assertThat(quiet).doesNotContain("object processed");
    assertThat(verbose).contains("INFO  i.cdckinesis.pipeline.ProducerEngine - object processed");
  }

  /** What a run writes to the process's standard error (where the log lines go). */
  private static String functionLogs(String... args) {
    PrintStream before = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      assertThat(CliRun.cdc(args).exit()).isZero();
    } finally {
      System.setErr(before);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }
}
