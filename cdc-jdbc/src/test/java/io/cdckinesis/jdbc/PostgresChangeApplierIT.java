package io.cdckinesis.jdbc;

import static io.cdckinesis.core.Operation.INSERT;
import static io.cdckinesis.jdbc.Changes.at;
import static io.cdckinesis.jdbc.Changes.customer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdckinesis.local.LocalPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The applier's contract against a real PostgreSQL server, plus what is PostgreSQL's own. */
class PostgresChangeApplierIT extends JdbcChangeApplierContract {

  private static final AtomicInteger DATABASES = new AtomicInteger();
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

  @Override
  protected DataSource newDatabase() {
    return postgres.createDatabase("applier_" + DATABASES.incrementAndGet());
  }

  @Override
  protected JdbcDialect dialect() {
    return JdbcDialect.POSTGRESQL;
  }

  @Test
  void theDialectIsDetectedFromTheConnection() throws Exception {
    try (JdbcChangeApplier a = JdbcChangeApplier.builder().dataSource(db).build()) {
      applyAll(a, customer(INSERT, at(1, 1, 1), 1, "Ann"));
    }
    assertThat(customers()).containsExactly("1|Ann");
  }

  @Test
  void positionsCompareByCodePointWhateverTheDatabaseCollation() throws Exception {
    applyAll(customer(INSERT, at(1, 1, 1), 1, "Ann"));

    assertThat(
            rows(
                "SELECT collation_name FROM information_schema.columns WHERE table_name ="
                    + " 'Customer__cdc' AND column_name = 'cdc_position'"))
        .containsExactly("C");
  }

  @Test
  void aBackendKilledByTheServerMidTransactionIsReplacedAndNothingAppliesTwice() throws Exception {
    try (JdbcChangeApplier a = applier();
        ApplyTransaction tx = a.begin()) {
      tx.apply(customer(INSERT, at(1, 1, 1), 1, "Ann"));
      try (Connection admin = db.getConnection();
          Statement s = admin.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname ="
                      + " current_database() AND pid <> pg_backend_pid()")) {
        assertThat(rs.next()).isTrue();
      }

      assertThatThrownBy(() -> tx.apply(customer(INSERT, at(1, 1, 2), 2, "Bob")))
          .isInstanceOfSatisfying(
              JdbcApplyException.class, e -> assertThat(e.isRetryable()).isTrue());
      tx.apply(customer(INSERT, at(1, 1, 2), 2, "Bob"));
      tx.commit();
    }
    assertThat(customers()).containsExactly("1|Ann", "2|Bob");
    assertThat(AppliedLog.counter(db)).isEqualTo(2);
  }
}
