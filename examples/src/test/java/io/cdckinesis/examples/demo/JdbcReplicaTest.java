package io.cdckinesis.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.Operation;
import io.cdckinesis.core.spi.ChangeInput;
import io.cdckinesis.local.dms.SourceDatabase;
import io.cdckinesis.local.dms.SourceTable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The demo's replica in an embedded H2 database and its comparison with the source by SQL. */
class JdbcReplicaTest {

  private final String url = "jdbc:h2:mem:replica-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
  private final SourceDatabase db = new SourceDatabase(1, 1);
  private final SourceTable customers = db.tables().get(DemoPipeline.CUSTOMERS);
  private Connection sql;

  @AfterEach
  void shutDown() throws SQLException {
    if (sql != null) {
      sql.createStatement().execute("SHUTDOWN");
      sql.close();
    }
  }

  private JdbcReplica loaded() throws SQLException {
    db.populate(5);
    JdbcReplica replica = JdbcReplica.open(new ReplicaTarget(url, null, null), null, db);
    long row = 0;
    for (List<Object> values : customers.rows().values()) {
      ChangeRecord.Builder b =
          ChangeRecord.builder()
              .operation(Operation.LOAD)
              .table(customers.id())
              .primaryKey(customers.definition().primaryKey())
              .position("s3://b/hq/dbo/customers/LOAD00000001.csv", ++row, row + 1);
      for (int i = 0; i < values.size(); i++) {
        b.value(customers.columns().get(i), values.get(i));
      }
      ChangeRecord r = b.build();
      replica
          .handler()
          .handle(ChangeInput.builder().record(r).rowKey(r.keyValues().toString()).build());
    }
    sql = DriverManager.getConnection(url);
    return replica;
  }

  private void run(String statement) throws SQLException {
    try (Statement s = sql.createStatement()) {
      s.execute(statement);
    }
  }

  @Test
  void aReplicaBuiltFromTheSourceMatchesAndEveryKindOfDifferenceIsCounted() throws Exception {
    try (JdbcReplica replica = loaded()) {
      assertThat(replica.compare(db)).isEmpty();

      run("DELETE FROM \"cdc_demo\".\"customers\" WHERE \"id\" = 1");
      run("UPDATE \"cdc_demo\".\"customers\" SET \"name\" = 'someone else' WHERE \"id\" = 2");
      run("INSERT INTO \"cdc_demo\".\"customers\" (\"id\", \"name\") VALUES (999, 'nobody')");

      assertThat(replica.compare(db))
          .containsExactly("dbo.customers: 1 rows missing, 1 extra, 1 different (of 5)");
    }
  }

  @Test
  void valuesCompareByTypeNumbersByValueTimestampsToTheMicrosecondNullApartFromEmpty()
      throws Exception {
    try (JdbcReplica replica = loaded()) {
      // Same value, other scale: equal.
      run(
          "UPDATE \"cdc_demo\".\"customers\" SET \"credit_limit\" = \"credit_limit\" * 1.000"
              + " WHERE \"id\" = 1");
      assertThat(replica.compare(db)).isEmpty();

      run(
          "UPDATE \"cdc_demo\".\"customers\" SET \"updated_at\" = DATEADD(MICROSECOND, 1,"
              + " \"updated_at\") WHERE \"id\" = 2");
      run(
          "UPDATE \"cdc_demo\".\"customers\" SET \"city\" = CASE WHEN \"city\" IS NULL THEN ''"
              + " ELSE NULL END WHERE \"id\" = 3");
      assertThat(replica.compare(db))
          .containsExactly("dbo.customers: 0 rows missing, 0 extra, 2 different (of 5)");
    }
  }

  @Test
  void aTableNeverCreatedCountsAsEmptyAndOpenDropsAPreviousRunsSchema() throws Exception {
    loaded().close();
    run("CREATE TABLE \"cdc_demo\".\"leftover\" (x INT)");

    try (JdbcReplica again = JdbcReplica.open(new ReplicaTarget(url, null, null), null, db)) {
      assertThat(again.compare(db))
          .containsExactly("dbo.customers: 5 rows missing, 0 extra, 0 different (of 5)");
      try (var rs = sql.getMetaData().getTables(null, JdbcReplica.SCHEMA, "leftover", null)) {
        assertThat(rs.next()).isFalse();
      }
    }
  }

  @Test
  void onlyDatabasesTheJdbcHandlerSpeaksAreAcceptedAndThePasswordIsNeverShown() {
    assertThatThrownBy(() -> new ReplicaTarget("jdbc:mysql://h/db", "u", "p"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--replica-jdbc: give a jdbc:postgresql: or jdbc:h2: URL");
    assertThat(new ReplicaTarget("jdbc:postgresql://h/db?password=s3cret", "u", "s3cret"))
        .asString()
        .doesNotContain("s3cret")
        .contains("PostgreSQL");
  }

  @Test
  void anUnreachableDatabaseIsNamedInOneLineWithoutThePassword() {
    ReplicaTarget nowhere =
        new ReplicaTarget("jdbc:postgresql://127.0.0.1:1/db?connectTimeout=2", "u", "s3cret");

    assertThatThrownBy(() -> JdbcReplica.open(nowhere, null, db))
        .isInstanceOf(ReplicaUnavailableException.class)
        .hasMessageStartingWith("cannot prepare the replica database (SQLState 08001")
        .message()
        .doesNotContain("s3cret");
  }
}
