package io.cdckinesis.jdbc.internal;

import io.cdckinesis.jdbc.JdbcApplyException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/**
 * Which database errors a retry can cure. Only a record's own data can fail for good: data
 * exceptions (SQLState class 22: a value the column cannot hold) and integrity violations (class
 * 23: a NOT NULL or check constraint of a user's table), except unique violations, which a
 * concurrent writer of the same key causes and a retry clears. Everything else (connections,
 * deadlocks, lock timeouts, serialization failures, a server shutting down, resource limits, and
 * errors we cannot classify) is retryable, so that an outage never dead-letters a change.
 */
public final class SqlErrors {

  private SqlErrors() {}

  public static boolean isPermanent(SQLException e) {
    if (e instanceof SQLTransientException || e instanceof SQLRecoverableException) {
      return false;
    }
    String state = e.getSQLState();
    if (state == null || state.length() < 2) {
      return false;
    }
    String cls = state.substring(0, 2);
    return cls.equals("22") || (cls.equals("23") && !state.equals("23505"));
  }

  /** Whether the connection is unusable after this error (and must be replaced). */
  public static boolean isConnectionLost(SQLException e) {
    String state = e.getSQLState();
    return e instanceof SQLNonTransientConnectionException
        || e instanceof SQLRecoverableException
        || (state != null && (state.startsWith("08") || state.equals("57P01")));
  }

  /**
   * A {@link JdbcApplyException} for a failed step, with the SQLState and its meaning but without
   * the database's message (it may quote row values).
   *
   * @param what the step that failed, e.g. {@code upsert into "dbo"."T" at s3://.../x.csv:3}
   */
  public static JdbcApplyException wrap(String what, SQLException e) {
    String state = e.getSQLState();
    return new JdbcApplyException(
        "cannot "
            + what
            + ": "
            + e.getClass().getSimpleName()
            + " SQLState "
            + state
            + " ("
            + meaning(state)
            + ", vendor code "
            + e.getErrorCode()
            + ")",
        state,
        !isPermanent(e));
  }

  private static String meaning(String state) {
    if (state == null || state.length() < 2) {
      return "no SQLState";
    }
    return switch (state.substring(0, 2)) {
      case "08" -> "connection exception";
      case "22" -> "data exception: a value the column cannot hold";
      case "23" -> state.equals("23505") ? "unique violation" : "integrity constraint violation";
      case "25" -> "invalid transaction state";
      case "40" -> "transaction rollback: serialization failure or deadlock";
      case "42" -> "syntax error or access rule violation";
      case "53" -> "insufficient resources";
      case "55" -> "object not in prerequisite state (e.g. lock not available)";
      case "57" -> "operator intervention (e.g. server shutting down)";
      case "58" -> "system error";
      case "HY" -> "driver error (e.g. timeout)";
      default -> "class " + state.substring(0, 2);
    };
  }
}
