package io.cdckinesis.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * A non-idempotent record of applied changes, written by an {@link AppliedChangeListener} in the
 * change's own transaction: one row per application (no key, so a second application of a change
 * shows as a second row) and a counter incremented each time.
 */
final class AppliedLog {

  private AppliedLog() {}

  static void create(DataSource db) throws SQLException {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE applied_log (position VARCHAR(400) NOT NULL)");
      s.execute("CREATE TABLE applied_counter (n BIGINT NOT NULL)");
      s.execute("INSERT INTO applied_counter VALUES (0)");
    }
  }

  static AppliedChangeListener listener() {
    return (connection, change) -> {
      try (PreparedStatement log =
              connection.prepareStatement("INSERT INTO applied_log (position) VALUES (?)");
          Statement counter = connection.createStatement()) {
        log.setString(1, change.position().sortKey());
        log.executeUpdate();
        counter.executeUpdate("UPDATE applied_counter SET n = n + 1");
      }
    };
  }

  static long counter(DataSource db) throws SQLException {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT n FROM applied_counter")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Applications per position (sort key), for the positions applied at least once. */
  static Map<String, Integer> applications(DataSource db) throws SQLException {
    Map<String, Integer> out = new LinkedHashMap<>();
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT position, COUNT(*) FROM applied_log GROUP BY position ORDER BY position")) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getInt(2));
      }
    }
    return out;
  }
}
