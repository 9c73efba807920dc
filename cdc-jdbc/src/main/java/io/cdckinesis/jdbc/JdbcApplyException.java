package io.cdckinesis.jdbc;

import io.cdckinesis.core.CdcException;

/**
 * A change or control record could not be applied to the relational target. {@link #isRetryable()}
 * says whether the same record may succeed later (the database was unreachable, a lock timed out, a
 * transaction was chosen as a deadlock victim) or never will (a value the column cannot hold, a
 * table without a primary key).
 *
 * <p>The message names the table, the operation, the source position and the SQLState, never a row
 * value; the driver's own exception is not kept as the cause, because database messages quote
 * values ({@code invalid input syntax for type numeric: "..."}, {@code Key (id)=(...) already
 * exists}).
 */
public class JdbcApplyException extends CdcException {

  private final String sqlState;

  public JdbcApplyException(String message, String sqlState, boolean retryable) {
    super(message, null, retryable);
    this.sqlState = sqlState;
  }

  /** The SQLState reported by the database, or {@code null} when the failure was not SQL. */
  public String sqlState() {
    return sqlState;
  }
}
