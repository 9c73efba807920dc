package io.cdckinesis.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdckinesis.jdbc.JdbcApplyException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

class SqlErrorsTest {

  @Test
  void onlyARecordsOwnDataFailsForGood() {
    assertThat(SqlErrors.isPermanent(new SQLException("x", "22P02"))).isTrue(); // bad number
    assertThat(SqlErrors.isPermanent(new SQLException("x", "22001"))).isTrue(); // too long
    assertThat(SqlErrors.isPermanent(new SQLException("x", "23502"))).isTrue(); // not null
    assertThat(SqlErrors.isPermanent(new SQLException("x", "23505"))).isFalse(); // a racing writer
    assertThat(SqlErrors.isPermanent(new SQLException("x", "08006"))).isFalse(); // connection
    assertThat(SqlErrors.isPermanent(new SQLException("x", "40P01"))).isFalse(); // deadlock
    assertThat(SqlErrors.isPermanent(new SQLException("x", "57P01"))).isFalse(); // shutdown
    assertThat(SqlErrors.isPermanent(new SQLException("x", "42501"))).isFalse(); // grant pending
    assertThat(SqlErrors.isPermanent(new SQLException("x"))).isFalse(); // unknown
    assertThat(SqlErrors.isPermanent(new SQLTransientConnectionException("x", "22000"))).isFalse();
  }

  @Test
  void theWrappedErrorKeepsTheStateButNotTheDatabasesMessage() {
    SQLException e =
        new SQLException("ERROR: invalid input syntax for type numeric: \"4111-1111\"", "22P02");

    JdbcApplyException wrapped = SqlErrors.wrap("upsert the row for insert of dbo.T at x:2", e);

    assertThat(wrapped.isRetryable()).isFalse();
    assertThat(wrapped.sqlState()).isEqualTo("22P02");
    assertThat(wrapped.getMessage())
        .contains("upsert the row", "22P02", "data exception")
        .doesNotContain("4111");
    assertThat(wrapped.getCause()).isNull();
  }

  @Test
  void lostConnectionsAreRecognised() {
    assertThat(SqlErrors.isConnectionLost(new SQLException("x", "08006"))).isTrue();
    assertThat(SqlErrors.isConnectionLost(new SQLException("x", "57P01"))).isTrue();
    assertThat(SqlErrors.isConnectionLost(new SQLException("x", "22P02"))).isFalse();
  }
}
