package io.cdckinesis.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class LocalPostgresIT {

  @Test
  void serverListensOnLoopbackKeepsDataAcrossARestartAndIsDeletedOnClose() throws Exception {
    Path dataFolder;
    try (LocalPostgres pg = LocalPostgres.start()) {
      DataSource db = pg.createDatabase("app");
      try (Connection c = db.getConnection();
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE t (id int PRIMARY KEY, name text)");
        s.execute("INSERT INTO t VALUES (1, 'a')");
        try (ResultSet r =
            s.executeQuery("SELECT inet_server_addr()::text, current_setting('port')")) {
          r.next();
          assertThat(r.getString(1)).startsWith("127.0.0.1");
          assertThat(r.getInt(2)).isEqualTo(pg.port());
        }
        dataFolder = Path.of(scalar(s, "SELECT current_setting('data_directory')"));
      }

      pg.stopServer();
      assertThat(pg.isRunning()).isFalse();
      assertThatThrownBy(() -> db.getConnection().close()).isInstanceOf(SQLException.class);

      pg.startServer();
      try (Connection c = db.getConnection();
          Statement s = c.createStatement()) {
        assertThat(scalar(s, "SELECT name FROM t WHERE id = 1")).isEqualTo("a");
      }
      assertThat(pg.jdbcUrl("app"))
          .isEqualTo("jdbc:postgresql://127.0.0.1:" + pg.port() + "/app?user=postgres");
    }
    assertThat(Files.exists(dataFolder)).isFalse();
  }

  private static String scalar(Statement s, String sql) throws SQLException {
    try (ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getString(1);
    }
  }
}
