package io.cdckinesis.jdbc;

import static io.cdckinesis.core.Operation.INSERT;
import static io.cdckinesis.jdbc.Changes.CUSTOMER;
import static io.cdckinesis.jdbc.Changes.at;
import static io.cdckinesis.jdbc.Changes.customer;
import static org.assertj.core.api.Assertions.assertThat;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.spi.BatchInput;
import io.cdckinesis.core.spi.ChangeInput;
import io.cdckinesis.core.spi.DeadLetter;
import io.cdckinesis.core.spi.KeepsPositions;
import io.cdckinesis.core.spi.TruncateInput;
import io.cdckinesis.jdbc.ConsumerContainer.Kill;
import io.cdckinesis.jdbc.ConsumerContainer.KillSwitch;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link JdbcTableHandler} on the embedded H2 database (the demo's default replica). */
class JdbcTableHandlerIT {

  /** Threads of their own: the common pool may have a single thread on a small machine. */
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void stopThreads() {
    threads.shutdownNow();
  }

  @TempDir Path dir;
  private DataSource db;

  @BeforeEach
  void database() throws Exception {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:file:" + dir.resolve("replica"));
    db = ds;
    AppliedLog.create(db);
  }

  @Test
  void theConsumerMirrorsTheStreamIntoH2WithEveryChangeAppliedOnce() throws Exception {
    SourceStream stream = new SourceStream(3);
    LambdaShards lambda = new LambdaShards(stream.shards(), 7);
    List<DeadLetter> deadLetters = new ArrayList<>();
    try (ConsumerContainer container =
        new ConsumerContainer(db, new KillSwitch(Kill.NEVER), deadLetters, new VirtualTime())) {
      assertThat(container.handler).isInstanceOf(KeepsPositions.class);
      while (!lambda.allDone()) {
        for (String shard : SourceStream.SHARDS) {
          if (!lambda.done(shard)) {
            assertThat(
                    lambda
                        .invoke(container.consumer, shard, () -> ChangeInput.NO_LIMIT)
                        .hasFailures())
                .isFalse();
          }
        }
      }
    }
    List<String> expected = new ArrayList<>();
    stream.expected().forEach((id, name) -> expected.add(id + "|" + name));
    assertThat(rows("SELECT \"id\", \"name\" FROM \"dbo\".\"Customer\" ORDER BY \"id\""))
        .isEqualTo(expected);
    assertThat(AppliedLog.applications(db).values()).containsOnly(1);
    assertThat(deadLetters).isEmpty();
  }

  @Test
  void aBatchCommitsAtItsEndAndNotBefore() throws Exception {
    try (JdbcTableHandler handler = handler()) {
      handler.onBatchStart(batch(false));
      handler.handle(input(customer(INSERT, at(1, 1, 1), 1, "Ann")));
      handler.handle(input(customer(INSERT, at(1, 1, 2), 2, "Bob")));
      assertThat(rows("SELECT COUNT(*) FROM \"dbo\".\"Customer\"")).containsExactly("0");

      handler.onBatchEnd(batch(false));
      assertThat(rows("SELECT \"name\" FROM \"dbo\".\"Customer\" ORDER BY \"id\""))
          .containsExactly("Ann", "Bob");
    }
  }

  @Test
  void outsideABatchEachCallCommitsOnItsOwn() throws Exception {
    try (JdbcTableHandler handler = handler()) {
      handler.handle(input(customer(INSERT, at(1, 1, 1), 1, "Ann")));
      assertThat(rows("SELECT \"name\" FROM \"dbo\".\"Customer\"")).containsExactly("Ann");

      handler.onTruncate(TruncateInput.builder().table(CUSTOMER).generation(4).build());
      assertThat(handler.generation(CUSTOMER)).isEqualTo(4);
      assertThat(rows("SELECT COUNT(*) FROM \"dbo\".\"Customer\"")).containsExactly("0");
    }
  }

  @Test
  void twoThreadsConsumingShardsAtOnceEachGetTheirOwnTransaction() throws Exception {
    try (JdbcTableHandler handler = handler()) {
      // Both tables exist first: creating one is a schema change, which on H2 waits until no other
      // transaction is open (SchemaGate), so it would wait for the other batch, which waits here.
      for (String table : List.of("Customer", "Orders")) {
        handler.handle(
            input(
                ChangeRecord.builder()
                    .operation(INSERT)
                    .table("dbo", table)
                    .value("id", 0L)
                    .value("name", "row 0")
                    .primaryKey("id")
                    .position(at(1, 1, 100))
                    .build()));
      }
      CountDownLatch bothApplied = new CountDownLatch(2);
      CompletableFuture<?> a = shardBatch(handler, bothApplied, 1, true);
      CompletableFuture<?> b = shardBatch(handler, bothApplied, 2, false);
      a.get(30, TimeUnit.SECONDS);
      b.get(30, TimeUnit.SECONDS);
    }
    assertThat(rows("SELECT \"name\" FROM \"dbo\".\"Customer\" ORDER BY \"id\""))
        .containsExactly("row 0", "row 1");
    assertThat(rows("SELECT \"name\" FROM \"dbo\".\"Orders\"")).containsExactly("row 0");
  }

  /**
   * One shard's batch on its own thread: applies a row, waits for the other, commits or not. The
   * two use different tables: on H2, whose row locks are exclusive, batches of one table wait for
   * each other (see docs/jdbc.md).
   */
  private CompletableFuture<?> shardBatch(
      JdbcTableHandler handler, CountDownLatch bothApplied, long id, boolean commit) {
    return CompletableFuture.runAsync(
        () -> {
          handler.onBatchStart(batch(false));
          ChangeRecord row =
              ChangeRecord.builder()
                  .operation(INSERT)
                  .table("dbo", commit ? "Customer" : "Orders")
                  .value("id", id)
                  .value("name", "row " + id)
                  .primaryKey("id")
                  .position(at(1, 1, id))
                  .build();
          handler.handle(input(row));
          bothApplied.countDown();
          try {
            assertThat(bothApplied.await(20, TimeUnit.SECONDS)).isTrue();
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
          if (commit) {
            handler.onBatchEnd(batch(false));
          } else {
            handler.close(); // this thread's batch is abandoned: rolled back
          }
        },
        threads);
  }

  private JdbcTableHandler handler() {
    return new JdbcTableHandler(JdbcChangeApplier.builder().dataSource(db));
  }

  private static BatchInput batch(boolean failed) {
    return BatchInput.builder().shardId("shardId-000").records(2).failed(failed).build();
  }

  private static ChangeInput input(ChangeRecord r) {
    return ChangeInput.builder().record(r).rowKey("dbo.Customer|" + r.value("id")).build();
  }

  private List<String> rows(String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(
            rs.getMetaData().getColumnCount() == 1
                ? rs.getString(1)
                : rs.getString(1) + "|" + rs.getString(2));
      }
    }
    return out;
  }
}
