package io.cdckinesis.examples.demo;

import io.cdckinesis.core.ChangeRecord;
import io.cdckinesis.core.ColumnType;
import io.cdckinesis.jdbc.JdbcChangeApplier;
import io.cdckinesis.jdbc.JdbcTableHandler;
import io.cdckinesis.local.dms.SourceDatabase;
import io.cdckinesis.local.dms.SourceTable;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The demo's replica: every table mirrored into a relational database by {@link JdbcTableHandler}
 * (each row's position stored in the same transaction, docs/jdbc.md), in schema {@value #SCHEMA};
 * an embedded H2 database by default, or the user's own ({@code --replica-jdbc}). At the end the
 * replica is read back by SQL and compared with the source, row by row and value by value.
 */
final class JdbcReplica implements AutoCloseable {

  /** Where the demo's tables go in the replica database; dropped and created at the start. */
  static final String SCHEMA = "cdc_demo";

  /**
   * One row per change that took effect, written in the change's own transaction (the applier's
   * {@code onApplied} listener): a non-idempotent log that shows each change applied exactly once.
   */
  private static final String APPLIED_LOG = quote(SCHEMA) + ".\"cdc_applied_changes\"";

  private final DataSource dataSource;
  private final JdbcTableHandler handler;
  private final String description;
  private final boolean embedded;

  private JdbcReplica(
      DataSource dataSource, JdbcTableHandler handler, String description, boolean embedded) {
    this.dataSource = dataSource;
    this.handler = handler;
    this.description = description;
    this.embedded = embedded;
  }

  /**
   * Connects, drops schema {@value #SCHEMA} if there is one (a previous run's) and creates it
   * empty.
   *
   * @param target the user's database, or null for an embedded H2 database (in memory, or in a file
   *     under {@code keep} when the demo keeps its data)
   * @throws ReplicaUnavailableException when the database cannot be reached or prepared
   */
  static JdbcReplica open(ReplicaTarget target, Path keep, SourceDatabase db) {
    DataSource ds;
    String description;
    if (target == null) {
      JdbcDataSource h2 = new JdbcDataSource();
      String location =
          keep != null
              ? "file:" + keep.toAbsolutePath().resolve("replica")
              : "mem:cdc-demo-" + UUID.randomUUID();
      // Shards commit in parallel; a batch may wait for another's lock on the table's state row.
      h2.setURL("jdbc:h2:" + location + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=20000");
      ds = h2;
      description =
          keep != null
              ? "H2 database " + keep.resolve("replica.mv.db") + ", schema " + SCHEMA
              : "H2 in memory, schema " + SCHEMA;
    } else if (target.isPostgres()) {
      PGSimpleDataSource pg = new PGSimpleDataSource();
      pg.setURL(target.url());
      setCredentials(pg, target);
      ds = pg;
      description = null;
    } else {
      JdbcDataSource h2 = new JdbcDataSource();
      h2.setURL(target.url());
      if (target.user() != null) {
        h2.setUser(target.user());
      }
      if (target.password() != null) {
        h2.setPassword(target.password());
      }
      ds = h2;
      description = null;
    }
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      if (description == null) {
        DatabaseMetaData m = c.getMetaData();
        description =
            "your "
                + m.getDatabaseProductName()
                + " "
                + m.getDatabaseProductVersion().split(" ")[0]
                + " database, schema "
                + SCHEMA;
      }
      s.execute("DROP SCHEMA IF EXISTS " + quote(SCHEMA) + " CASCADE");
      s.execute("CREATE SCHEMA " + quote(SCHEMA));
      s.execute("CREATE TABLE " + APPLIED_LOG + " (\"change\" VARCHAR NOT NULL)");
    } catch (SQLException e) {
      // The driver's message names host, database and user; never the password.
      throw new ReplicaUnavailableException(
          "cannot prepare the replica database (SQLState "
              + e.getSQLState()
              + ": "
              + e.getMessage()
              + ")",
          e);
    }
    JdbcTableHandler handler =
        new JdbcTableHandler(
            JdbcChangeApplier.builder()
                .dataSource(ds)
                .tables(db.definitions())
                .targetSchema(SCHEMA)
                .stateTable(SCHEMA, JdbcChangeApplier.DEFAULT_STATE_TABLE)
                .statementTimeout(Duration.ofSeconds(30))
                .onApplied(JdbcReplica::logApplied));
    return new JdbcReplica(ds, handler, description, target == null);
  }

  private static void setCredentials(PGSimpleDataSource pg, ReplicaTarget target) {
    if (target.user() != null) {
      pg.setUser(target.user());
    }
    if (target.password() != null) {
      pg.setPassword(target.password());
    }
  }

  /** The consumer's handler for every table. */
  JdbcTableHandler handler() {
    return handler;
  }

  private static void logApplied(Connection c, ChangeRecord change) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("INSERT INTO " + APPLIED_LOG + " (\"change\") VALUES (?)")) {
      ps.setString(1, change.tableId() + " " + change.position().sortKey());
      ps.executeUpdate();
    }
  }

  /** What the replica's log of applied changes shows. */
  record AppliedChanges(long applied, long appliedMoreThanOnce) {}

  /**
   * Counts the changes that took effect in the replica, and those that took effect more than once
   * (there must be none).
   */
  AppliedChanges appliedChanges() {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT COUNT(*), COALESCE(SUM(CASE WHEN n > 1 THEN 1 ELSE 0 END), 0) FROM (SELECT"
                    + " COUNT(*) AS n FROM "
                    + APPLIED_LOG
                    + " GROUP BY \"change\") AS per_change")) {
      rs.next();
      return new AppliedChanges(rs.getLong(1), rs.getLong(2));
    } catch (SQLException e) {
      throw new ReplicaUnavailableException(
          "cannot read the replica's log of applied changes (SQLState " + e.getSQLState() + ")", e);
    }
  }

  /** Where the replica is, for the progress line (no URL: it may hold a password). */
  String description() {
    return description;
  }

  /**
   * Compares every source table with its replica, read by SQL: per table, the rows missing from the
   * replica, the extra ones and those whose values differ (typed: numbers by value, timestamps to
   * the nanosecond, NULL apart from the empty string).
   *
   * @return one line per table that differs; empty when the replica matches
   * @throws ReplicaUnavailableException when the replica cannot be read
   */
  List<String> compare(SourceDatabase db) {
    List<String> differences = new ArrayList<>();
    try (Connection c = dataSource.getConnection()) {
      for (SourceTable t : db.tables().values()) {
        Map<List<Object>, List<Object>> want = new HashMap<>();
        t.rows().values().forEach(row -> want.put(key(t, row), canonical(row)));
        Map<List<Object>, List<Object>> got = read(c, t);
        long missing = want.keySet().stream().filter(k -> !got.containsKey(k)).count();
        long extra = got.keySet().stream().filter(k -> !want.containsKey(k)).count();
        long different =
            want.entrySet().stream()
                .filter(en -> got.containsKey(en.getKey()))
                .filter(en -> !en.getValue().equals(got.get(en.getKey())))
                .count();
        if (missing + extra + different > 0) {
          differences.add(
              String.format(
                  "%s: %d rows missing, %d extra, %d different (of %d)",
                  t.id(), missing, extra, different, want.size()));
        }
      }
    } catch (SQLException e) {
      throw new ReplicaUnavailableException(
          "cannot read the replica (SQLState " + e.getSQLState() + ")", e);
    }
    return differences;
  }

  /** The replica's rows of a table (none when it was never created), canonical, by key. */
  private static Map<List<Object>, List<Object>> read(Connection c, SourceTable t)
      throws SQLException {
    Map<List<Object>, List<Object>> rows = new HashMap<>();
    try (ResultSet tables = c.getMetaData().getTables(null, SCHEMA, t.id().table(), null)) {
      if (!tables.next()) {
        return rows;
      }
    }
    List<String> quoted = new ArrayList<>();
    t.columns().forEach(col -> quoted.add(quote(col)));
    String sql =
        "SELECT "
            + String.join(", ", quoted)
            + " FROM "
            + quote(SCHEMA)
            + "."
            + quote(t.id().table());
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        List<Object> row = new ArrayList<>(t.columns().size());
        for (int i = 0; i < t.columns().size(); i++) {
          row.add(value(rs, i + 1, t.typeOf(i)));
        }
        rows.put(key(t, row), canonical(row));
      }
    }
    return rows;
  }

  private static Object value(ResultSet rs, int column, ColumnType type) throws SQLException {
    Object v =
        switch (type) {
          case INTEGER, DECIMAL -> rs.getBigDecimal(column);
          case BOOLEAN -> rs.getBoolean(column);
          case DATE, TIMESTAMP -> rs.getObject(column, LocalDateTime.class);
          case STRING -> rs.getString(column);
        };
    return rs.wasNull() ? null : v;
  }

  private static List<Object> key(SourceTable t, List<Object> row) {
    List<Object> key = new ArrayList<>();
    for (String k : t.definition().primaryKey()) {
      key.add(canonical(row.get(t.columns().indexOf(k))));
    }
    return key;
  }

  private static List<Object> canonical(List<Object> row) {
    List<Object> out = new ArrayList<>(row.size());
    row.forEach(v -> out.add(canonical(v)));
    return out;
  }

  /** Numbers as BigDecimal without trailing zeros (1.50 equals 1.5; Long 3 equals numeric 3). */
  private static Object canonical(Object v) {
    if (v instanceof BigDecimal d) {
      return d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
    }
    if (v instanceof Long || v instanceof Integer) {
      return canonical(BigDecimal.valueOf(((Number) v).longValue()));
    }
    return v;
  }

  private static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  /** Closes the handler's connections and shuts an embedded database down. */
  @Override
  public void close() {
    handler.close();
    if (embedded) {
      try (Connection c = dataSource.getConnection();
          Statement s = c.createStatement()) {
        s.execute("SHUTDOWN");
      } catch (SQLException e) {
        // already gone
      }
    }
  }
}
