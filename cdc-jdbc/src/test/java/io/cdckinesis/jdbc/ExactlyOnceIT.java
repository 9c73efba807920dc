package io.cdckinesis.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdckinesis.core.spi.ChangeInput;
import io.cdckinesis.core.spi.DeadLetter;
import io.cdckinesis.jdbc.ConsumerContainer.Kill;
import io.cdckinesis.jdbc.ConsumerContainer.KillSwitch;
import io.cdckinesis.local.LocalPostgres;
import io.cdckinesis.pipeline.consumer.BatchResult;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 10's exactly-once test for the JDBC handler, against PostgreSQL: the real consumer engine
 * and {@link JdbcTableHandler} consume a two-shard stream (full load, changes, a reload at a new
 * generation, more changes) in Lambda-sized batches; the container is killed once, at one of 20
 * points (inside a transaction, or after a commit before Lambda got the result), and Lambda
 * redelivers the batch to a fresh container (new handler objects, new connections, empty memory).
 * Every run must end with the same table and the same non-idempotent log as a run without kills:
 * every change applied exactly once.
 */
class ExactlyOnceIT {

  private static final int BATCH = 7;
  private static final SourceStream STREAM = new SourceStream(7);
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static LocalPostgres postgres;
  private static Run reference;

  /** What a run left in the database. */
  record Run(
      List<String> rows,
      Map<String, Integer> applications,
      long counter,
      List<DeadLetter> deadLetters,
      boolean killed,
      int containers,
      int applicationCalls,
      int commits) {}

  @AfterAll
  static void stopServer() {
    if (postgres != null) {
      postgres.close();
    }
  }

  private static synchronized LocalPostgres postgres() {
    if (postgres == null) {
      postgres = LocalPostgres.start();
    }
    return postgres;
  }

  private static synchronized Run reference() throws Exception {
    if (reference == null) {
      reference = run(Kill.NEVER);
    }
    return reference;
  }

  /** 14 kills inside transactions spread over the run's changes, 6 after commits. */
  static Stream<Kill> killPoints() throws Exception {
    Run ref = reference();
    int changes = ref.applicationCalls();
    int commits = ref.commits();
    Stream<Kill> inside =
        IntStream.range(0, 14).mapToObj(i -> new Kill(false, 1 + i * (changes - 1) / 13));
    Stream<Kill> afterCommit =
        IntStream.range(0, 6).mapToObj(i -> new Kill(true, 1 + i * (commits - 1) / 5));
    return Stream.concat(inside, afterCommit);
  }

  @Test
  void withoutKillsTheTargetEndsAsTheSourceTableWithEveryChangeAppliedOnce() throws Exception {
    Run ref = reference();

    List<String> expected = new ArrayList<>();
    STREAM.expected().forEach((id, name) -> expected.add(id + "|" + name));
    assertThat(ref.rows()).isEqualTo(expected);
    assertThat(ref.applications().values()).containsOnly(1);
    assertThat(ref.counter()).isEqualTo(ref.applications().size()).isGreaterThan(80);
    assertThat(ref.deadLetters()).isEmpty();
  }

  @ParameterizedTest(name = "killed {0}")
  @MethodSource("killPoints")
  void redeliveryToAFreshContainerAppliesEveryChangeExactlyOnce(Kill kill) throws Exception {
    Run ref = reference();

    Run run = run(kill);

    assertThat(run.killed()).as("the kill happened").isTrue();
    assertThat(run.containers()).isEqualTo(2);
    assertThat(run.rows()).isEqualTo(ref.rows());
    assertThat(run.applications()).isEqualTo(ref.applications());
    assertThat(run.applications().values()).containsOnly(1);
    assertThat(run.counter()).isEqualTo(ref.counter());
    assertThat(run.deadLetters()).isEmpty();
  }

  /** Consumes the whole stream, batch by batch, shard after shard, on a fresh database. */
  private static Run run(Kill kill) throws Exception {
    DataSource db = postgres().createDatabase("once_" + DATABASES.incrementAndGet());
    AppliedLog.create(db);
    LambdaShards lambda = new LambdaShards(STREAM.shards(), BATCH);
    KillSwitch kills = new KillSwitch(kill);
    List<DeadLetter> deadLetters = new ArrayList<>();
    VirtualTime time = new VirtualTime();
    ConsumerContainer container = new ConsumerContainer(db, kills, deadLetters, time);
    int containers = 1;
    while (!lambda.allDone()) {
      for (String shard : SourceStream.SHARDS) {
        while (!lambda.done(shard)) {
          int before = lambda.checkpoint(shard);
          try {
            BatchResult result =
                lambda.invoke(container.consumer, shard, () -> ChangeInput.NO_LIMIT);
            assertThat(result.failedSequenceNumbers()).as("failures").isEmpty();
          } catch (ConsumerContainer.Killed e) {
            container.die();
            container = new ConsumerContainer(db, kills, deadLetters, time);
            containers++;
            continue; // Lambda delivers the same batch to the new container
          }
          if (lambda.checkpoint(shard) > before) {
            break; // next shard's turn
          }
        }
      }
    }
    container.close();
    return new Run(
        rows(db),
        AppliedLog.applications(db),
        AppliedLog.counter(db),
        deadLetters,
        kills.fired(),
        containers,
        kills.applications(),
        kills.commits());
  }

  private static List<String> rows(DataSource db) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT \"id\", \"name\" FROM \"dbo\".\"Customer\" ORDER BY \"id\"")) {
      while (rs.next()) {
        out.add(rs.getLong(1) + "|" + rs.getString(2));
      }
    }
    return out;
  }
}
