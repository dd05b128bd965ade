package dev.accord.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accord.server.backend.postgres.PostgresSettings;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Settings are read the way the README says, and a wrong one is refused naming the variable to fix.
 */
class ServerConfigTest {
  @Test
  void listenAcceptsPortOnlyHostAndPortAndBracketedIpv6() {
    assertThat(ServerConfig.parseListen(":7475")).isEqualTo(new InetSocketAddress(7475));
    assertThat(ServerConfig.parseListen("127.0.0.1:9000"))
        .isEqualTo(new InetSocketAddress("127.0.0.1", 9000));
    assertThat(ServerConfig.parseListen("[::1]:9000").getAddress().getHostAddress())
        .isEqualTo("0:0:0:0:0:0:0:1");
  }

  @Test
  void aMalformedListenAddressNamesTheVariableAndTheExpectedForm() {
    for (String bad : new String[] {"7475", "localhost", ":port", ":70000", ""}) {
      assertThatThrownBy(() -> ServerConfig.parseListen(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("ACCORD_LISTEN")
          .hasMessageContaining("[HOST]:PORT");
    }
  }

  @Test
  void postgresUrlsBecomeJdbcUrlsWithSeparateDecodedCredentials() {
    PostgresSettings settings =
        PostgresSettings.parse(
            "postgres://accord:p%40ss%2Fw0rd@db.internal:6432/accord?sslmode=require", 8);

    assertThat(settings.jdbcUrl())
        .isEqualTo("jdbc:postgresql://db.internal:6432/accord?sslmode=require");
    assertThat(settings.user()).isEqualTo("accord");
    assertThat(settings.password()).isEqualTo("p@ss/w0rd");
    assertThat(settings.poolSize()).isEqualTo(8);
    assertThat(PostgresSettings.parse("postgresql://h1:5432,h2:5432/db", 1).jdbcUrl())
        .isEqualTo("jdbc:postgresql://h1:5432,h2:5432/db");
    assertThat(PostgresSettings.parse("jdbc:postgresql://h/db?user=u&password=p", 1).user())
        .isNull();
  }

  @Test
  void theBarePostgresBackendConnectsWithLibpqVariables() {
    PostgresSettings settings =
        PostgresSettings.fromLibpqEnvironment(
            java.util.Map.of(
                "PGHOST",
                "db.internal",
                "PGPORT",
                "6432",
                "PGDATABASE",
                "accord",
                "PGUSER",
                "accord",
                "PGPASSWORD",
                "p@ss:w/rd",
                "PGSSLMODE",
                "require"),
            4);

    assertThat(settings.jdbcUrl())
        .isEqualTo("jdbc:postgresql://db.internal:6432/accord?sslmode=require");
    assertThat(settings.user()).isEqualTo("accord");
    assertThat(settings.password()).isEqualTo("p@ss:w/rd");
    assertThat(
            PostgresSettings.fromLibpqEnvironment(java.util.Map.of("PGHOST", "h", "PGUSER", "u"), 1)
                .jdbcUrl())
        .isEqualTo("jdbc:postgresql://h:5432/u");
    assertThatThrownBy(
            () -> Backends.open("postgres", Path.of("unused"), 4, java.util.Map.of("PGUSER", "u")))
        .hasMessageContaining("PGHOST");
    assertThatThrownBy(
            () ->
                PostgresSettings.fromLibpqEnvironment(
                    java.util.Map.of("PGHOST", "h", "PGUSER", "u", "PGPORT", "five"), 1))
        .hasMessageContaining("PGPORT");
  }

  @Test
  void describedSettingsNeverShowThePassword() {
    assertThat(PostgresSettings.parse("postgres://accord:hunter2@db:5432/accord", 1).describe())
        .doesNotContain("hunter2")
        .contains("db:5432/accord")
        .contains("accord");
    assertThat(
            PostgresSettings.parse(
                    "jdbc:postgresql://db/accord?user=u&password=hunter2&ssl=true", 1)
                .describe())
        .doesNotContain("hunter2")
        .contains("ssl=true");
  }

  @Test
  void anUnknownBackendIsRefusedNamingTheVariableWithoutEchoingSecrets() {
    assertThatThrownBy(() -> Backends.open("mysql://root:hunter2@db/accord", Path.of("unused"), 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ACCORD_BACKEND")
        .hasMessageContaining("postgres://")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> Backends.open("postgres://user:hunter2@/db", Path.of("unused"), 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ACCORD_BACKEND")
        .hasMessageContaining("no host")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void poolSizeOutOfRangeNamesTheVariable() {
    assertThatThrownBy(
            () ->
                new ServerConfig(
                    new InetSocketAddress(0),
                    "memory",
                    Path.of("."),
                    0,
                    java.time.Duration.ZERO,
                    java.time.Duration.ofSeconds(1)))
        .hasMessageContaining("ACCORD_POOL_SIZE");
  }

  @Test
  void accessRulesAndAuthenticationComeTogetherOrNotAtAll() {
    Path file = Path.of("/etc/accord/access.yaml");
    ServerConfig.requireAccessFileWithAuthentication(true, file);
    ServerConfig.requireAccessFileWithAuthentication(false, null);

    assertThatThrownBy(() -> ServerConfig.requireAccessFileWithAuthentication(true, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ACCORD_ACCESS_FILE")
        .hasMessageContaining("needed when authentication is on");
    assertThatThrownBy(() -> ServerConfig.requireAccessFileWithAuthentication(false, file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ACCORD_ACCESS_FILE")
        .hasMessageContaining("authentication is off");
  }

  @Test
  void anAccessFileWithoutAuthenticationStopsTheServerWithExitCodeTwo() {
    java.io.StringWriter errors = new java.io.StringWriter();
    int exit =
        AccordServerMain.commandLine()
            .setErr(new java.io.PrintWriter(errors))
            .execute("--backend", "memory", "--listen", ":0", "--access-file", "access.yaml");

    assertThat(exit).isEqualTo(2);
    assertThat(errors.toString()).contains("ACCORD_ACCESS_FILE").contains("authentication is off");
  }

  @Test
  void aNegativeNamespaceCapIsAUsageErrorNamingIt() {
    java.io.StringWriter errors = new java.io.StringWriter();
    int exit =
        AccordServerMain.commandLine()
            .setErr(new java.io.PrintWriter(errors))
            .execute("--backend", "memory", "--listen", ":0", "--metrics-namespaces", "-1");

    assertThat(exit).isEqualTo(2);
    assertThat(errors.toString()).contains("ACCORD_METRICS_NAMESPACES").contains("0 or more");
  }
}
