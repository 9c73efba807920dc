package io.cdckinesis.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdckinesis.local.LocalPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class DemoCommandIT {

  @Test
  void printsTheSummaryAndExitsZeroWhenTheReplicaMatches() {
    CliRun run =
        CliRun.cdc(
            "demo",
            "--rows",
            "40",
            "--tables",
            "2",
            "--changes",
            "80",
            "--shards",
            "1",
            "--situations",
            "none");

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
                + " emulator\\))? on \\d+ cores(, load average \\d+\\.\\d)?");
  }

  @Test
  void byDefaultTheReplicaIsAnEmbeddedDatabaseAndTheDmsSituationsArePlayed() {
    CliRun run =
        CliRun.cdc("demo", "--rows", "60", "--tables", "3", "--changes", "240", "--shards", "2");

    String out = new String(run.out(), StandardCharsets.UTF_8);
    assertThat(run.exit()).as(out).isZero();
    assertThat(out)
        .contains("  replica                   H2 in memory, schema cdc_demo")
        .contains("parallel load of sales.orders by ranges: 2 segments")
        .contains("parallel load of inventory.stock by partitions: region_eu, region_us")
        .contains("ALTER TABLE dbo.customers ADD loyalty_tier before CDC batch 5 of 12")
        .contains("TRUNCATE TABLE inventory.stock before CDC batch 7 of 12")
        .containsPattern("LOB dbo.customers.notes not supplied \\(CsvNoSupValue\\) in \\d+ updates")
        .doesNotContain("reload")
        .endsWith("replica matches source" + System.lineSeparator());
  }

  @Test
  void replicaJdbcKeepsTheReplicaInTheUsersPostgresqlWithoutShowingThePassword() throws Exception {
    try (LocalPostgres pg = LocalPostgres.start()) {
      DataSource db = pg.createDatabase("demo");
      CliRun run =
          CliRun.cdc(
              "demo",
              "--rows",
              "40",
              "--tables",
              "3",
              "--changes",
              "160",
              "--shards",
              "2",
              "--situations",
              "all",
              "--replica-jdbc",
              "jdbc:postgresql://127.0.0.1:" + pg.port() + "/demo",
              "--replica-user",
              LocalPostgres.USER,
              "--replica-password",
              "s3cret-never-shown"); // trust authentication: any password is accepted

      String out = new String(run.out(), StandardCharsets.UTF_8);
      assertThat(run.exit()).as(out + run.err()).isZero();
      assertThat(out)
          .containsPattern(
              "  replica                   your PostgreSQL [\\d.]+ database, schema cdc_demo")
          .contains("reload of sales.orders")
          .endsWith("replica matches source" + System.lineSeparator());
      assertThat(out + run.err()).doesNotContain("s3cret-never-shown");
      try (Connection c = db.getConnection();
          ResultSet rs =
              c.createStatement()
                  .executeQuery(
                      "SELECT count(\"loyalty_tier\"), count(*) FROM cdc_demo.customers")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).as("rows with the added column set").isPositive();
        assertThat(rs.getLong(2)).isPositive();
      }
    }
  }

  @Test
  void aDatabaseItCannotReachOrSpeakIsNamedInOneLine() {
    CliRun unreachable =
        CliRun.cdc(
            "demo",
            "--rows",
            "1",
            "--replica-jdbc",
            "jdbc:postgresql://127.0.0.1:1/nowhere?connectTimeout=2",
            "--replica-password",
            "pw-never-shown");
    CliRun mysql = CliRun.cdc("demo", "--replica-jdbc", "jdbc:mysql://localhost/db");
    CliRun situation = CliRun.cdc("demo", "--situations", "parallel-load,trunc");

    assertThat(unreachable.exit()).isEqualTo(1);
    assertThat(unreachable.err())
        .startsWith("cdc demo: cannot prepare the replica database (SQLState 08001")
        .doesNotContain("pw-never-shown")
        .hasLineCount(1);
    assertThat(mysql.exit()).isEqualTo(2);
    assertThat(mysql.err()).contains("--replica-jdbc: give a jdbc:postgresql: or jdbc:h2: URL");
    assertThat(situation.exit()).isEqualTo(2);
    assertThat(situation.err())
        .contains("--situations: no situation 'trunc'")
        .contains("parallel-load, lob, add-column, truncate, reload");
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
