package io.cdckinesis.jdbc;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A data source whose connections a test can cut (close under the user's feet), as a network
 * failure or a server restart does, and which can refuse new connections for a while.
 */
final class CuttableDataSource implements DataSource {

  private final DataSource delegate;
  private final List<Connection> handedOut = new ArrayList<>();
  private volatile boolean refusing;
  private int connections;

  CuttableDataSource(DataSource delegate) {
    this.delegate = delegate;
  }

  /** Closes every connection handed out so far. */
  synchronized void cut() throws SQLException {
    for (Connection c : handedOut) {
      c.close();
    }
    handedOut.clear();
  }

  void refuse(boolean refuse) {
    this.refusing = refuse;
  }

  synchronized int connectionsOpened() {
    return connections;
  }

  @Override
  public synchronized Connection getConnection() throws SQLException {
    if (refusing) {
      throw new SQLException("connection refused (test)", "08001");
    }
    Connection c = delegate.getConnection();
    handedOut.add(c);
    connections++;
    return c;
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException();
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {}

  @Override
  public void setLoginTimeout(int seconds) {}

  @Override
  public int getLoginTimeout() {
    return 0;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    throw new SQLException("not a wrapper");
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return false;
  }
}
