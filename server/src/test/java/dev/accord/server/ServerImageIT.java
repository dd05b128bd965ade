package dev.accord.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Capability;
import com.google.protobuf.ByteString;
import dev.accord.api.v1.AcquireRequest;
import dev.accord.api.v1.AcquireResponse;
import dev.accord.api.v1.DoneRequest;
import dev.accord.api.v1.Status;
import dev.accord.api.v1.V1Grpc;
import dev.accord.server.testing.ContainerPostgres;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * The server image as a user runs it, under the restrictions the operator's pods have: {@code
 * docker run --network host --read-only --tmpfs /tmp --user 10001 --memory 512m --cap-drop ALL
 * --security-opt no-new-privileges}. It serves the V1 API on a real socket, the embedded backend
 * starts too, and the JVM sizes its heap by the container's memory. Skipped, saying why, when no
 * container engine answers or the image has not been built.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ServerImageIT {
  /** Set by failsafe (server/pom.xml): the tag Jib gives the image. */
  private static final String VERSION_PROPERTY = "accord.image.version";

  private static final long MEMORY_LIMIT = 512L * 1024 * 1024;
  private static final Duration EMBEDDED_STARTUP = Duration.ofMinutes(3);

  private static String image;

  private GenericContainer<?> container;
  private ManagedChannel channel;

  @BeforeAll
  static void findImage() {
    String version = System.getProperty(VERSION_PROPERTY);
    assertThat(version)
        .as("system property %s is unset: run this test through failsafe", VERSION_PROPERTY)
        .isNotBlank();
    image = "accord/accord-server:" + version;
  }

  /**
   * Per test, not for the class: a class skipped in {@code @BeforeAll} counts zero tests in the
   * report, with no reason; skipped tests are counted, each with this line.
   */
  @BeforeEach
  void requireTheImage() {
    assumeTrue(
        ContainerPostgres.engineAnswers(),
        "no container engine answers (DOCKER_HOST or /var/run/docker.sock): the server image smoke"
            + " test is skipped");
    assumeTrue(
        imageExists(image),
        image
            + " is not in the container engine: the server image smoke test is skipped (build it"
            + " with ./accord images; mvn verify builds it when ACCORD_IMAGE_BASE is set)");
  }

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (container != null) {
      container.stop();
    }
  }

  @Test
  @DisplayName(
      "memory backend, read-only root, uid 10001, no capabilities, 512 MiB: serves the V1 API and"
          + " sizes the heap by the container")
  void memoryBackendServesUnderThePodsRestrictions() throws Exception {
    int port = freePort();
    int httpPort = freePort();
    // Plain --tmpfs /tmp (noexec, as docker mounts it): the memory backend executes nothing there.
    container =
        restricted(Map.of("/tmp", ""))
            .withEnv("ACCORD_BACKEND", "memory")
            .withEnv("ACCORD_LISTEN", "127.0.0.1:" + port)
            .withEnv("ACCORD_HTTP_LISTEN", "127.0.0.1:" + httpPort)
            .waitingFor(
                Wait.forLogMessage(".*Accord server listening on 127\\.0\\.0\\.1:" + port + ".*", 1)
                    .withStartupTimeout(Duration.ofMinutes(1)));
    container.start();

    assertAcquireAndDoneWork(port);
    assertThat(container.execInContainer("id", "-u").getStdout().strip())
        .as("the server process's uid")
        .isEqualTo("10001");
    // Without a container limit the JVM would take 25% of the host's memory; with the image's
    // MaxRAMPercentage=75 it takes at most 75% of the container's 512 MiB (the heap pools' maxima
    // add up to the maximum heap less one survivor space).
    assertThat(heapMaxBytes(httpPort))
        .as("the heap's maximum from the process's own metrics")
        .isGreaterThan(MEMORY_LIMIT / 4)
        .isLessThanOrEqualTo(MEMORY_LIMIT * 3 / 4);
  }

  @Test
  @DisplayName(
      "embedded PostgreSQL (the default backend) starts under the same restrictions, /tmp an"
          + " executable tmpfs as an emptyDir is")
  void embeddedBackendStartsUnderThePodsRestrictions() throws Exception {
    int port = freePort();
    // The embedded backend runs initdb and postgres from binaries it unpacks under /tmp: docker's
    // tmpfs is noexec unless told otherwise, a Kubernetes emptyDir is not.
    container =
        restricted(Map.of("/tmp", "rw,exec"))
            .withEnv("ACCORD_LISTEN", "127.0.0.1:" + port)
            .withEnv("ACCORD_HTTP_LISTEN", "127.0.0.1:" + freePort())
            .waitingFor(
                Wait.forLogMessage(".*Accord server listening on 127\\.0\\.0\\.1:" + port + ".*", 1)
                    .withStartupTimeout(EMBEDDED_STARTUP));
    container.start();

    assertThat(container.getLogs()).contains("backend: embedded PostgreSQL in /tmp/accord-data");
    assertAcquireAndDoneWork(port);
  }

  private static GenericContainer<?> restricted(Map<String, String> tmpfs) {
    return new GenericContainer<>(image)
        .withNetworkMode("host")
        .withCreateContainerCmdModifier(
            command -> {
              command.withUser("10001");
              command
                  .getHostConfig()
                  .withReadonlyRootfs(true)
                  .withTmpFs(tmpfs)
                  .withMemory(MEMORY_LIMIT)
                  .withCapDrop(Capability.ALL)
                  .withSecurityOpts(List.of("no-new-privileges"));
            });
  }

  private void assertAcquireAndDoneWork(int port) {
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    V1Grpc.V1BlockingStub v1 =
        V1Grpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    AcquireResponse granted = v1.acquire(acquire("worker-1"));
    assertThat(granted.getStatus()).as(container.getLogs()).isEqualTo(Status.OK);
    ByteString handle = granted.getHandle().getId();
    v1.done(DoneRequest.newBuilder().setOwner("worker-1").setHandleId(handle).build());
    assertThat(v1.acquire(acquire("worker-2")).getStatus())
        .as("the resource another worker finished")
        .isEqualTo(Status.DONE);
  }

  private static AcquireRequest acquire(String owner) {
    return AcquireRequest.newBuilder()
        .setOwner(owner)
        .setNamespace("image-smoke")
        .setName("job-1")
        .setTtl(60)
        .build();
  }

  /** The sum of jvm_memory_max_bytes over the heap's pools, from the process's /metrics. */
  private static long heapMaxBytes(int httpPort) throws IOException, InterruptedException {
    HttpResponse<String> metrics =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    List<Double> pools =
        metrics
            .body()
            .lines()
            .filter(line -> line.startsWith("jvm_memory_max_bytes{area=\"heap\""))
            .map(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
            .toList();
    assertThat(pools).as("heap pools in /metrics").isNotEmpty();
    // A pool without a maximum of its own reports -1 (G1's young pools); it adds nothing.
    return pools.stream().filter(max -> max > 0).mapToLong(Double::longValue).sum();
  }

  private static boolean imageExists(String name) {
    try {
      DockerClientFactory.instance().client().inspectImageCmd(name).exec();
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }

  /** A loopback port free a moment ago (host networking: the container binds it directly). */
  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
