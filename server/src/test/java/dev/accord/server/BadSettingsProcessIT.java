package dev.accord.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar given each bad setting a user can make, as a process: it must exit at once with
 * the code an orchestrator or a shell sees (2: a value that cannot be read, 1: a setting that
 * cannot be acted on) and one message naming the variable and what to do.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class BadSettingsProcessIT {
  private static final int EXIT_CANNOT_RUN = 1;
  private static final int EXIT_USAGE = 2;
  private static final int EXIT_SIGTERM = 143;
  private static final Duration EXIT = Duration.ofSeconds(60);
  private static final Pattern EMBEDDED_PORT =
      Pattern.compile("embedded PostgreSQL in .* \\(port (\\d+)\\)");

  private static Path jar;

  private final List<ServerJarProcess> processes = new ArrayList<>();

  @TempDir Path workDir;

  @BeforeAll
  static void findJar() {
    String property = System.getProperty("accord.server.jar");
    assertThat(property)
        .as("run through failsafe (mvn verify), which sets accord.server.jar")
        .isNotBlank();
    jar = Path.of(property);
    assertThat(jar).as("the shaded jar: build it with mvn -pl server -am package").isRegularFile();
  }

  @AfterEach
  void stopEverything() {
    processes.forEach(ServerJarProcess::kill);
  }

  @Test
  @DisplayName("help lists every command, the script's included, and every variable")
  void helpListsEveryCommandAndVariable() throws Exception {
    ServerJarProcess help = start(Map.of(), "help");

    assertThat(help.awaitExit(EXIT)).as(help.describe()).isZero();
    assertThat(help.stdout())
        .contains("demo", "bench", "chaos", "images", "help")
        .contains(
            "ACCORD_LISTEN",
            "ACCORD_BACKEND",
            "ACCORD_DATA_DIR",
            "ACCORD_DATABASE_WAIT",
            "ACCORD_POOL_SIZE",
            "ACCORD_LOG_FORMAT",
            "ACCORD_LOG_LEVEL",
            "ACCORD_REQUEST_LOG",
            "ACCORD_IMAGE_BASE")
        .doesNotContain("Unmatched argument");
  }

  @Test
  @DisplayName("a value of the wrong type names its variable, not only its flag (exit 2)")
  void unreadableValueNamesTheVariable() throws Exception {
    ServerJarProcess server = start(Map.of("ACCORD_BACKEND", "memory", "ACCORD_POOL_SIZE", "abc"));

    assertThat(server.awaitExit(EXIT)).as(server.describe()).isEqualTo(EXIT_USAGE);
    assertThat(server.stderr())
        .as(server.describe())
        .contains("ACCORD_POOL_SIZE (--pool-size)", "'abc' is not an int", "--help")
        .doesNotContain("Usage:");
  }

  @Test
  @DisplayName("a listen host that does not resolve is refused before the start (exit 2)")
  void unresolvableListenHost() throws Exception {
    ServerJarProcess server =
        start(Map.of("ACCORD_BACKEND", "memory", "ACCORD_LISTEN", "nosuchhost.invalid:7000"));

    assertThat(server.awaitExit(EXIT)).as(server.describe()).isEqualTo(EXIT_USAGE);
    assertThat(server.stderr())
        .as(server.describe())
        .contains("ACCORD_LISTEN", "nosuchhost.invalid", "does not resolve")
        .doesNotContain("another server");
  }

  @Test
  @DisplayName("a port in use is told as such, naming ACCORD_LISTEN (exit 1)")
  void portInUse() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      ServerJarProcess server =
          start(
              Map.of(
                  "ACCORD_BACKEND",
                  "memory",
                  "ACCORD_LISTEN",
                  "127.0.0.1:" + taken.getLocalPort()));

      assertThat(server.awaitExit(EXIT)).as(server.describe()).isEqualTo(EXIT_CANNOT_RUN);
      assertThat(server.stderr())
          .as(server.describe())
          .contains("is in use by another process", "ACCORD_LISTEN");
    }
  }

  @Test
  @DisplayName(
      "an address that is not this machine's is told as such, naming ACCORD_LISTEN (exit 1)")
  void addressNotOfThisMachine() throws Exception {
    // TEST-NET-1 (RFC 5737): never an address of a machine running tests.
    ServerJarProcess server =
        start(Map.of("ACCORD_BACKEND", "memory", "ACCORD_LISTEN", "192.0.2.1:7475"));

    assertThat(server.awaitExit(EXIT)).as(server.describe()).isEqualTo(EXIT_CANNOT_RUN);
    assertThat(server.stderr())
        .as(server.describe())
        .contains("192.0.2.1 is not an address of this machine", "ACCORD_LISTEN")
        .doesNotContain("another server");
  }

  @Test
  @DisplayName("a data directory that is a file is refused with the reason and what to do (exit 1)")
  void dataDirectoryIsAFile() throws Exception {
    Path file = Files.writeString(workDir.resolve("not-a-directory"), "x");
    ServerJarProcess server = start(Map.of("ACCORD_DATA_DIR", file.toString()));

    assertThat(server.awaitExit(EXIT)).as(server.describe()).isEqualTo(EXIT_CANNOT_RUN);
    assertThat(server.stderr())
        .as(server.describe())
        .contains("ACCORD_DATA_DIR", "it is a file, not a directory", "Point ACCORD_DATA_DIR at")
        .doesNotContain("\tat ");
  }

  @Test
  @DisplayName(
      "an unknown database host is named in the error, and ACCORD_DATABASE_WAIT ends the wait (exit 1)")
  void unknownDatabaseHostWithAWait() throws Exception {
    ServerJarProcess server =
        start(
            Map.of(
                "ACCORD_BACKEND", "postgres://u:p@nosuchdb.invalid:5432/db",
                "ACCORD_DATABASE_WAIT", "1s",
                "ACCORD_LISTEN", "127.0.0.1:0"));

    assertThat(server.awaitExit(EXIT)).as(server.describe()).isEqualTo(EXIT_CANNOT_RUN);
    assertThat(server.stderr())
        .as(server.describe())
        .contains(
            "UnknownHostException: nosuchdb.invalid", "ACCORD_DATABASE_WAIT", "ACCORD_BACKEND");
  }

  /**
   * One embedded PostgreSQL serves two checks: the embedded backend keeps its binaries in its data
   * directory and leaves nothing in java.io.tmpdir, and a server given a wrong password for it
   * exits after ACCORD_DATABASE_WAIT saying so.
   */
  @Test
  @DisplayName(
      "embedded: binaries in the data directory, nothing in tmpdir; a wrong password and ACCORD_DATABASE_WAIT exit 1")
  void embeddedInItsDataDirectoryAndAWrongPasswordGivesUp() throws Exception {
    Path tmp = Files.createDirectory(workDir.resolve("tmp"));
    Path dataDir = workDir.resolve("data");
    ServerJarProcess embedded =
        start(
            List.of("-Djava.io.tmpdir=" + tmp),
            Map.of("ACCORD_DATA_DIR", dataDir.toString(), "ACCORD_LISTEN", "127.0.0.1:0"));
    embedded.awaitStderr("listening on", Duration.ofMinutes(2));
    Matcher port = EMBEDDED_PORT.matcher(embedded.stderr());
    assertThat(port.find()).as(embedded.describe()).isTrue();

    ServerJarProcess wrongPassword =
        start(
            Map.of(
                "ACCORD_BACKEND",
                "postgres://postgres:wrong-password@localhost:" + port.group(1) + "/postgres",
                "ACCORD_DATABASE_WAIT",
                "1s",
                "ACCORD_LISTEN",
                "127.0.0.1:0"));
    assertThat(wrongPassword.awaitExit(EXIT))
        .as(wrongPassword.describe())
        .isEqualTo(EXIT_CANNOT_RUN);
    assertThat(wrongPassword.stderr())
        .as(wrongPassword.describe())
        .contains("password authentication failed", "ACCORD_DATABASE_WAIT");

    assertThat(embedded.terminate(EXIT)).as(embedded.describe()).isEqualTo(EXIT_SIGTERM);
    assertThat(dataDir.resolve("binaries")).isDirectory();
    try (Stream<Path> left = Files.list(tmp)) {
      assertThat(left).as("left in java.io.tmpdir").isEmpty();
    }
  }

  private ServerJarProcess start(Map<String, String> env, String... args) throws IOException {
    return track(ServerJarProcess.start(jar, workDir, withHttpOff(env), args));
  }

  private ServerJarProcess start(List<String> jvmOptions, Map<String, String> env)
      throws IOException {
    return track(ServerJarProcess.start(jar, workDir, jvmOptions, withHttpOff(env)));
  }

  private ServerJarProcess track(ServerJarProcess process) {
    processes.add(process);
    return process;
  }

  private static Map<String, String> withHttpOff(Map<String, String> env) {
    Map<String, String> all = new java.util.HashMap<>(env);
    all.putIfAbsent("ACCORD_HTTP_LISTEN", "off");
    return all;
  }
}
