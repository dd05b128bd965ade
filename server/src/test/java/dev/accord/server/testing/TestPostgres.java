package dev.accord.server.testing;

import dev.accord.server.backend.postgres.PostgresSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The PostgreSQL server the tests use: the one at {@code ACCORD_TEST_POSTGRES_URL} (a
 * jdbc:postgresql:// or postgres:// URL of a user that may create databases) when set, otherwise
 * one embedded PostgreSQL started once per test JVM. Every caller gets a database of its own,
 * created empty, so tests never see each other's rows.
 */
public final class TestPostgres {
  public static final String URL_VARIABLE = "ACCORD_TEST_POSTGRES_URL";
  private static final AtomicInteger databases = new AtomicInteger();
  private static PostgresSettings server;

  private TestPostgres() {}

  /** A new, empty database; {@code poolSize} is the pool its backend will open. */
  public static synchronized PostgresSettings newDatabase(int poolSize) {
    return newDatabase(server(), poolSize);
  }

  /** A new, empty database on the server {@code admin} may create databases on. */
  public static PostgresSettings newDatabase(PostgresSettings admin, int poolSize) {
    String name =
        "accord_test_" + ProcessHandle.current().pid() + "_" + databases.incrementAndGet();
    try (Connection connection = connect(admin);
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot create test database " + name + ": " + e.getMessage(), e);
    }
    String url = admin.jdbcUrl().replaceFirst("^(jdbc:postgresql://[^/?]*)/[^?]*", "$1/" + name);
    return new PostgresSettings(url, admin.user(), admin.password(), poolSize);
  }

  public static Connection connect(PostgresSettings settings) throws SQLException {
    return settings.user() == null
        ? DriverManager.getConnection(settings.jdbcUrl())
        : DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password());
  }

  private static PostgresSettings server() {
    if (server == null) {
      String url = System.getenv(URL_VARIABLE);
      server = url != null && !url.isBlank() ? PostgresSettings.parse(url, 1) : startEmbedded();
    }
    return server;
  }

  private static PostgresSettings startEmbedded() {
    try {
      Path dir = Files.createTempDirectory("accord-test-pg-");
      dev.accord.server.backend.postgres.EmbeddedPostgres postgres =
          dev.accord.server.backend.postgres.EmbeddedPostgres.start(dir, 0);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      postgres.close();
                    } catch (IOException e) {
                      System.err.println("could not stop the test PostgreSQL: " + e);
                    }
                  }));
      return postgres.settings(1);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded PostgreSQL for tests", e);
    }
  }
}
