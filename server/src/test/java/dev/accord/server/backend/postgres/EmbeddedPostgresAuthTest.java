package dev.accord.server.backend.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded PostgreSQL asks every connection for the password Accord generated. */
class EmbeddedPostgresAuthTest {
  /** PostgreSQL's SQLSTATE for a wrong password. */
  private static final String INVALID_PASSWORD = "28P01";

  /**
   * pgjdbc's SQLSTATE when the server asks for a password (here SCRAM) and the caller gave none:
   * the server did not trust the connection.
   */
  private static final String PASSWORD_DEMANDED = "08004";

  @TempDir Path dataDir;

  @Test
  void connectionsWithoutThePasswordOrWithAWrongOneAreRefused() throws Exception {
    try (EmbeddedPostgres postgres = EmbeddedPostgres.start(dataDir, 0)) {
      assertNoPasswordRefused(postgres.jdbcUrl());
      assertNoPasswordRefused(postgres.jdbcUrl().replace("localhost", "127.0.0.1"));
      assertRefused(
          () -> DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "wrong"),
          INVALID_PASSWORD);
      assertRefused(
          () -> DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "x".repeat(64)),
          INVALID_PASSWORD);

      try (Connection connection = connect(postgres)) {
        assertThat(connection.isValid(5)).isTrue();
      }
    }
    assertThat(Files.readAllLines(dataDir.resolve("postgres/pg_hba.conf")))
        .filteredOn(line -> !line.isBlank() && !line.startsWith("#"))
        .isNotEmpty()
        .allSatisfy(line -> assertThat(line).endsWith("scram-sha-256"));
  }

  @Test
  void thePasswordFileIsReadableAndWritableByItsOwnerOnly() throws Exception {
    try (EmbeddedPostgres postgres = EmbeddedPostgres.start(dataDir, 0)) {
      assertThat(
              PosixFilePermissions.toString(Files.getPosixFilePermissions(postgres.passwordFile())))
          .isEqualTo("rw-------");
      assertThat(Files.readString(postgres.passwordFile()).strip()).hasSize(64);
    }
  }

  @Test
  void aPasswordFileOthersCouldReadIsNarrowedAtTheNextStart() throws Exception {
    EmbeddedPostgres.start(dataDir, 0).close();
    Path file = dataDir.resolve(EmbeddedPostgresAuth.PASSWORD_FILE);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    try (EmbeddedPostgres postgres = EmbeddedPostgres.start(dataDir, 0);
        Connection connection = connect(postgres)) {
      assertThat(connection.isValid(5)).isTrue();
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }

  @Test
  void dataAndPasswordSurviveARestart() throws Exception {
    String password;
    try (EmbeddedPostgres first = EmbeddedPostgres.start(dataDir, 0);
        Connection connection = connect(first);
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('before restart')");
      password = first.settings(1).password();
    }
    try (EmbeddedPostgres second = EmbeddedPostgres.start(dataDir, 0)) {
      assertThat(second.settings(1).password()).isEqualTo(password);
      assertThat(readKept(second)).isEqualTo("before restart");
      assertNoPasswordRefused(second.jdbcUrl());
    }
  }

  @Test
  void aRemovedPasswordFileIsReplacedAndTheNewPasswordSetAtTheNextStart() throws Exception {
    String old;
    try (EmbeddedPostgres first = EmbeddedPostgres.start(dataDir, 0)) {
      old = first.settings(1).password();
    }
    Files.delete(dataDir.resolve(EmbeddedPostgresAuth.PASSWORD_FILE));

    try (EmbeddedPostgres second = EmbeddedPostgres.start(dataDir, 0);
        Connection connection = connect(second)) {
      assertThat(second.settings(1).password()).isNotEqualTo(old);
      assertThat(connection.isValid(5)).isTrue();
      assertRefused(
          () -> DriverManager.getConnection(second.jdbcUrl(), "postgres", old), INVALID_PASSWORD);
    }
  }

  /**
   * A data directory as an earlier Accord left it: zonky's initdb (trust for every local user), no
   * password on the superuser, no password file.
   */
  @Test
  void aDataDirectoryThatTrustedLocalUsersIsSecuredAtItsNextStart() throws Exception {
    Path pgData = dataDir.resolve("postgres");
    try (var old =
        io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
            .setDataDirectory(pgData)
            .setCleanDataDirectory(false)
            .setRegisterShutdownHook(false)
            .start()) {
      try (Connection connection =
              DriverManager.getConnection(old.getJdbcUrl("postgres", "postgres"));
          Statement statement = connection.createStatement()) {
        statement.execute("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('from before')");
      }
    }
    assertThat(Files.readString(pgData.resolve("pg_hba.conf"))).contains("trust");

    try (EmbeddedPostgres upgraded = EmbeddedPostgres.start(dataDir, 0)) {
      assertNoPasswordRefused(upgraded.jdbcUrl());
      assertThat(readKept(upgraded)).isEqualTo("from before");
    }
    assertThat(dataDir.resolve(EmbeddedPostgresAuth.PASSWORD_FILE)).exists();
    assertThat(Files.readString(pgData.resolve("pg_hba.conf"))).doesNotContain("trust");
  }

  private static Connection connect(EmbeddedPostgres postgres) throws SQLException {
    PostgresSettings settings = postgres.settings(1);
    return DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password());
  }

  private static String readKept(EmbeddedPostgres postgres) throws SQLException {
    try (Connection connection = connect(postgres);
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT v FROM kept")) {
      assertThat(rows.next()).isTrue();
      return rows.getString(1);
    }
  }

  private interface Connect {
    Connection open() throws SQLException;
  }

  private static void assertNoPasswordRefused(String url) {
    assertRefused(() -> DriverManager.getConnection(url), PASSWORD_DEMANDED);
  }

  private static void assertRefused(Connect connect, String sqlState) {
    assertThatThrownBy(() -> connect.open().close())
        .isInstanceOfSatisfying(
            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo(sqlState));
  }
}
