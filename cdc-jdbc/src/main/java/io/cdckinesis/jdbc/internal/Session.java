package io.cdckinesis.jdbc.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One open connection with its prepared statements, reused across transactions (a Lambda container
 * keeps it between invocations). Not thread-safe.
 */
public final class Session implements AutoCloseable {

  private static final int MAX_STATEMENTS = 256;

  private final Connection connection;
  private final Map<String, PreparedStatement> statements =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
          if (size() > MAX_STATEMENTS) {
            closeQuietly(eldest.getValue());
            return true;
          }
          return false;
        }
      };
  private final int timeoutSeconds;
  private long lastUsedNanos = System.nanoTime();

  /**
   * @param statementTimeout bounds every statement ({@code null} or zero: no bound)
   */
  public Session(Connection connection, Duration statementTimeout) throws SQLException {
    this.connection = connection;
    this.timeoutSeconds =
        statementTimeout == null ? 0 : (int) Math.max(1, statementTimeout.toSeconds());
    connection.setAutoCommit(false);
  }

  public Connection connection() {
    return connection;
  }

  /** A prepared statement for this SQL, cached per connection. */
  public PreparedStatement prepare(String sql) throws SQLException {
    PreparedStatement ps = statements.get(sql);
    if (ps == null) {
      ps = connection.prepareStatement(sql);
      if (timeoutSeconds > 0) {
        ps.setQueryTimeout(timeoutSeconds);
      }
      statements.put(sql, ps);
    } else {
      ps.clearParameters();
    }
    return ps;
  }

  /** Runs a statement without parameters (DDL). */
  public void execute(String sql) throws SQLException {
    try (Statement s = connection.createStatement()) {
      if (timeoutSeconds > 0) {
        s.setQueryTimeout(timeoutSeconds);
      }
      s.execute(sql);
    }
  }

  /** Whether the connection has been idle long enough that the server may have dropped it. */
  public boolean idleFor(long nanos) {
    return System.nanoTime() - lastUsedNanos >= nanos;
  }

  /** Notes that the connection was just used successfully. */
  public void markUsed() {
    lastUsedNanos = System.nanoTime();
  }

  @Override
  public void close() {
    statements.values().forEach(Session::closeQuietly);
    statements.clear();
    try {
      connection.close();
    } catch (SQLException ignored) {
      // a connection we give up on
    }
  }

  private static void closeQuietly(PreparedStatement ps) {
    try {
      ps.close();
    } catch (SQLException ignored) {
      // closing a cached statement
    }
  }
}
