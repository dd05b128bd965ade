package dev.accord.server.testing;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import dev.accord.server.backend.postgres.PostgresSettings;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * PostgreSQL servers in containers, one per image named in {@code ACCORD_TEST_POSTGRES_IMAGES}
 * (comma-separated, default {@code postgres:15,postgres:17}), started on first use and shared by
 * every test class of the JVM. An image not named {@code postgres} stands in for it (a local build
 * of the same major), as {@code local/postgres:17}.
 */
public final class ContainerPostgres {
  public static final String IMAGES_VARIABLE = "ACCORD_TEST_POSTGRES_IMAGES";

  /** For {@code @EnabledIf}: the suites run only when an engine answers. */
  public static final String ENGINE_ANSWERS =
      "dev.accord.server.testing.ContainerPostgres#engineAnswers";

  public static final String SKIPPED =
      "no container engine answers (DOCKER_HOST or /var/run/docker.sock):"
          + " skipped on PostgreSQL containers, run on the embedded PostgreSQL only";
  private static final String DEFAULT_IMAGES = "postgres:15,postgres:17";
  private static final int PORT = 5432;
  private static final Map<String, PostgresSettings> servers = new HashMap<>();
  private static Boolean engineAnswers;

  private ContainerPostgres() {}

  /** The images to run the suites on; empty when no container engine answers. */
  public static List<String> images() {
    if (!engineAnswers()) {
      return List.of();
    }
    String value = System.getenv().getOrDefault(IMAGES_VARIABLE, "");
    return Arrays.stream((value.isBlank() ? DEFAULT_IMAGES : value).split(","))
        .map(String::strip)
        .filter(image -> !image.isEmpty())
        .toList();
  }

  /**
   * Whether a container engine answers (Testcontainers' own discovery: DOCKER_HOST, the socket).
   */
  public static synchronized boolean engineAnswers() {
    if (engineAnswers == null) {
      engineAnswers = DockerClientFactory.instance().isDockerAvailable();
    }
    return engineAnswers;
  }

  /** The superuser of the server running {@code image}, which is started on the first call. */
  public static synchronized PostgresSettings server(String image) {
    return servers.computeIfAbsent(image, ContainerPostgres::start);
  }

  private static PostgresSettings start(String image) {
    PostgreSQLContainer container =
        new PostgreSQLContainer(DockerImageName.parse(image).asCompatibleSubstituteFor("postgres"))
            // Published on the loopback only: nothing outside this machine reaches the test server.
            .withCreateContainerCmdModifier(
                command ->
                    command
                        .getHostConfig()
                        .withPortBindings(
                            new PortBinding(
                                Ports.Binding.bindIp("127.0.0.1"), ExposedPort.tcp(PORT))));
    container.start();
    // Ryuk (Testcontainers' reaper) may be off where its image cannot be had: stop the server here.
    Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
    // The port is published on the loopback, which is not always the host Testcontainers would name
    // (inside a container it names the bridge's gateway).
    String url =
        "jdbc:postgresql://127.0.0.1:"
            + container.getMappedPort(PORT)
            + "/"
            + container.getDatabaseName();
    return new PostgresSettings(url, container.getUsername(), container.getPassword(), 1);
  }
}
