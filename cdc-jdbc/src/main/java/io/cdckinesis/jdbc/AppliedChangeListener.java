package io.cdckinesis.jdbc;

import io.cdckinesis.core.ChangeRecord;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Called after a change took effect, inside the same transaction, with its connection: whatever it
 * writes there commits or rolls back with the change and its position, so it happens exactly once
 * per change too (an audit row, a counter, a derived table). Not called for changes that are
 * skipped. Must not commit, roll back or close the connection, and must not log row values.
 */
@FunctionalInterface
public interface AppliedChangeListener {

  void onApplied(Connection connection, ChangeRecord change) throws SQLException;
}
