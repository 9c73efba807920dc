package io.cdckinesis.jdbc;

import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Locale;

/**
 * The SQL dialects {@link JdbcChangeApplier} speaks. Each uses its database's own upsert, locking
 * and type names; see docs/jdbc.md for the statements.
 */
public enum JdbcDialect {
  /** PostgreSQL 9.6 and later ({@code INSERT ... ON CONFLICT}, {@code FOR SHARE}). */
  POSTGRESQL,
  /** H2 2.x, the embedded database for defaults that must run anywhere (pure Java). */
  H2;

  /**
   * The dialect of a connected database, from its product name.
   *
   * @throws IllegalArgumentException for a database that is neither
   */
  public static JdbcDialect of(DatabaseMetaData metadata) throws SQLException {
    String product = metadata.getDatabaseProductName();
    String p = product == null ? "" : product.toLowerCase(Locale.ROOT);
    if (p.contains("postgresql")) {
      return POSTGRESQL;
    }
    if (p.equals("h2")) {
      return H2;
    }
    throw new IllegalArgumentException(
        "no JDBC dialect for database '" + product + "' (supported: PostgreSQL, H2)");
  }
}
