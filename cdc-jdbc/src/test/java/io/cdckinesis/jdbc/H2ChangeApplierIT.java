package io.cdckinesis.jdbc;

import static io.cdckinesis.core.Operation.INSERT;
import static io.cdckinesis.jdbc.Changes.at;
import static io.cdckinesis.jdbc.Changes.customer;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The applier's contract against the embedded H2 database, kept in files as the demo keeps it. */
class H2ChangeApplierIT extends JdbcChangeApplierContract {

  private static final AtomicInteger DATABASES = new AtomicInteger();

  @TempDir Path dir;

  @Override
  protected DataSource newDatabase() {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:file:" + dir.resolve("replica-" + DATABASES.incrementAndGet()));
    return ds;
  }

  @Override
  protected JdbcDialect dialect() {
    return JdbcDialect.H2;
  }

  @Test
  void theDialectIsDetectedFromTheConnection() throws Exception {
    try (JdbcChangeApplier a = JdbcChangeApplier.builder().dataSource(db).build()) {
      applyAll(a, customer(INSERT, at(1, 1, 1), 1, "Ann"));
    }
    assertThat(customers()).containsExactly("1|Ann");
  }
}
