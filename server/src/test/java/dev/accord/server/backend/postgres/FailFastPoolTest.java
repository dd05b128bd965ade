package dev.accord.server.backend.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.accord.server.testing.TestPostgres;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * Which pool failures make {@link FailFastPool} refuse at once: a database that cannot be reached,
 * not a pool whose connections are all busy; and the health check's connection lets calls through
 * again. Real HikariCP pools, on a real PostgreSQL and on a port where none listens.
 */
class FailFastPoolTest {
  private static HikariDataSource pool(String jdbcUrl, String user, String password) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(1);
    config.setConnectionTimeout(250);
    config.setInitializationFailTimeout(-1);
    return new HikariDataSource(config);
  }

  @Test
  void aBusyPoolMakesTheCallerWaitItsTurnAndIsNotTakenForADeadDatabase() throws SQLException {
    PostgresSettings database = TestPostgres.newDatabase(1);
    try (HikariDataSource hikari = pool(database.jdbcUrl(), database.user(), database.password())) {
      FailFastPool pool = new FailFastPool(hikari);
      try (Connection busy = pool.getConnection()) {
        assertThatThrownBy(pool::getConnection)
            .isInstanceOfSatisfying(
                SQLException.class, e -> assertThat(FailFastPool.isConnectionFailure(e)).isFalse());
        assertThat(pool.isKnownUnreachable()).isFalse();
      }
      try (Connection next = pool.getConnection()) {
        assertThat(next.isValid(1)).isTrue();
      }
    }
  }

  @Test
  void anUnreachableDatabaseIsRefusedAtOnceUntilTheHealthCheckReachesIt() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try (HikariDataSource hikari =
        pool("jdbc:postgresql://127.0.0.1:" + closedPort + "/accord", "accord", "x")) {
      FailFastPool pool = new FailFastPool(hikari);

      assertThatThrownBy(pool::getConnection)
          .isInstanceOfSatisfying(
              SQLException.class, e -> assertThat(FailFastPool.isConnectionFailure(e)).isTrue());
      assertThat(pool.isKnownUnreachable()).isTrue();
      assertThatThrownBy(pool::getConnection)
          .isInstanceOfSatisfying(
              SQLException.class,
              e -> {
                assertThat(e.getSQLState()).isEqualTo("08001");
                assertThat(e.getMessage()).startsWith("database unreachable since");
                assertThat(SqlErrors.isTransient(e)).isTrue();
              });

      pool.reached();
      assertThat(pool.isKnownUnreachable()).isFalse();
    }
  }
}
