package io.cdckinesis.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdckinesis.core.spi.DeadLetter;
import io.cdckinesis.jdbc.ConsumerContainer.Kill;
import io.cdckinesis.jdbc.ConsumerContainer.KillSwitch;
import io.cdckinesis.local.LocalPostgres;
import io.cdckinesis.pipeline.consumer.BatchResult;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 10's outage test for the JDBC handler: the PostgreSQL server is really stopped in the
 * middle of the stream and started again after 10 seconds or 3 minutes of virtual time, while
 * Lambda keeps invoking the consumer (each invocation and Lambda's pause before retrying take a
 * second of virtual time; the event source mapping's record age and retry limits are not reached).
 * Nothing may be dead-lettered, and the table must end as the source table with every change
 * applied once.
 */
class DatabaseOutageIT {

  private static final int BATCH = 7;
  private static final SourceStream STREAM = new SourceStream(11);
  private static LocalPostgres postgres;

  @BeforeAll
  static void startServer() {
    postgres = LocalPostgres.start();
  }

  @AfterAll
  static void stopServer() {
    if (postgres != null) {
      postgres.close();
    }
  }

  @ParameterizedTest(name = "database down for {0} s")
  @ValueSource(ints = {10, 180})
  void anOutageOfTheDatabaseDelaysTheShardButLosesAndDuplicatesNothing(int seconds)
      throws Exception {
    DataSource db = postgres.createDatabase("outage_" + seconds);
    AppliedLog.create(db);
    LambdaShards lambda = new LambdaShards(STREAM.shards(), BATCH);
    List<DeadLetter> deadLetters = new ArrayList<>();
    VirtualTime time = new VirtualTime();
    int failedInvocations = 0;
    Instant[] outageEnds = {null};
    // the server goes down in the middle of a batch's transaction, after the 40th change
    KillSwitch outage =
        new KillSwitch(Kill.NEVER) {
          @Override
          synchronized void applied() {
            super.applied();
            if (applications() == 40) {
              postgres.stopServer();
              outageEnds[0] = time.instant().plusSeconds(seconds);
            }
          }
        };

    try (ConsumerContainer container = new ConsumerContainer(db, outage, deadLetters, time)) {
      while (!lambda.allDone()) {
        for (String shard : SourceStream.SHARDS) {
          int before = lambda.checkpoint(shard);
          while (!lambda.done(shard) && lambda.checkpoint(shard) == before) {
            Instant deadline = time.instant().plus(Duration.ofMinutes(1));
            try {
              BatchResult r =
                  lambda.invoke(
                      container.consumer, shard, () -> Duration.between(time.instant(), deadline));
              if (r.hasFailures()) {
                failedInvocations++;
              }
            } catch (JdbcApplyException e) {
              assertThat(e.isRetryable()).isTrue();
              failedInvocations++; // a function error: Lambda retries the whole batch
            }
            time.advance(Duration.ofSeconds(1));
            if (!postgres.isRunning() && !time.instant().isBefore(outageEnds[0])) {
              postgres.startServer();
            }
          }
        }
      }
    }

    assertThat(outageEnds[0]).as("the outage happened").isNotNull();
    // the shard was held for the whole outage: each failed invocation takes a (virtual) second
    // plus the backoffs of its in-invocation retries
    assertThat(failedInvocations).isGreaterThanOrEqualTo(seconds / 2);
    assertThat(deadLetters).isEmpty();
    List<String> expected = new ArrayList<>();
    STREAM.expected().forEach((id, name) -> expected.add(id + "|" + name));
    assertThat(rows(db)).isEqualTo(expected);
    assertThat(AppliedLog.applications(db).values()).containsOnly(1);
  }

  private static List<String> rows(DataSource db) throws Exception {
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
