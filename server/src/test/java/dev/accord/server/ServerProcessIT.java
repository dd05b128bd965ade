package dev.accord.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.accord.api.v1.AcquireRequest;
import dev.accord.api.v1.AcquireResponse;
import dev.accord.api.v1.DoneRequest;
import dev.accord.api.v1.Handle;
import dev.accord.api.v1.ListRequest;
import dev.accord.api.v1.Status;
import dev.accord.api.v1.V1Grpc;
import dev.accord.certs.CertificateAuthority;
import dev.accord.certs.CertificateRequest;
import dev.accord.certs.IssuedCertificate;
import dev.accord.client.AccordClient;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the shaded jar exactly as an operator would ({@code java -jar accord-server.jar}, configured
 * through the environment) and talks to it over real sockets. The in-process tests cannot see what
 * only a real process has: the manifest and the shaded service files, picocli's exit codes, logback
 * on standard error, the SIGTERM shutdown hook and the exit code an orchestrator observes, and an
 * embedded PostgreSQL that outlives the JVM on disk.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ServerProcessIT {
  /** Set by failsafe (server/pom.xml) to the jar {@code package} built. */
  private static final String JAR_PROPERTY = "accord.server.jar";

  /** 128 + SIGTERM: what a JVM reports when a TERM signal ended it after its shutdown hooks ran. */
  private static final int EXIT_SIGTERM = 143;

  /**
   * picocli's usage-error code, which the server also uses for a configuration it cannot act on.
   */
  private static final int EXIT_USAGE = 2;

  private static final Duration MEMORY_STARTUP = Duration.ofSeconds(30);

  /**
   * initdb, and the first extraction of the PostgreSQL binaries, take several seconds on a slow
   * machine.
   */
  private static final Duration EMBEDDED_STARTUP = Duration.ofMinutes(2);

  private static final Duration STOP = Duration.ofSeconds(60);
  private static final Duration CALL_DEADLINE = Duration.ofSeconds(20);

  private static Path jar;

  private final List<ServerJarProcess> processes = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<Path> embeddedDataDirs = new ArrayList<>();

  @TempDir Path workDir;

  @BeforeAll
  static void findJar() {
    String property = System.getProperty(JAR_PROPERTY);
    assertThat(property)
        .as(
            "system property %s is unset: run this test through failsafe (mvn verify), which points it at the "
                + "shaded jar",
            JAR_PROPERTY)
        .isNotBlank();
    jar = Path.of(property);
    assertThat(jar).as("the shaded jar: build it with mvn -pl server -am package").isRegularFile();
  }

  @AfterEach
  void stopEverything() {
    channels.forEach(ManagedChannel::shutdownNow);
    for (ServerJarProcess process : processes) {
      process.kill();
    }
    // A JVM killed outright cannot stop its embedded PostgreSQL, which pg_ctl detached from it:
    // without this a
    // failed test would leave a postmaster running, and holding files in a directory JUnit is about
    // to delete.
    for (Path dataDir : embeddedDataDirs) {
      stopLeftoverPostgres(dataDir);
    }
  }

  @Test
  @DisplayName(
      "memory backend: serves health and the V1 API on a real socket, and stops cleanly on SIGTERM")
  void memoryBackendServesLeasesAndStopsCleanlyOnSigterm() throws Exception {
    int port = freePort();
    int httpPort = freePort();
    ServerJarProcess server =
        start(
            Map.of(
                "ACCORD_BACKEND",
                "memory",
                "ACCORD_LISTEN",
                "127.0.0.1:" + port,
                "ACCORD_HTTP_LISTEN",
                "127.0.0.1:" + httpPort));
    server.awaitStderr("Accord server listening on 127.0.0.1:" + port, MEMORY_STARTUP);
    assertThat(server.stderr())
        .contains(
            "HTTP listening on 127.0.0.1:" + httpPort + ": /metrics, and the progress page at /");

    ManagedChannel channel = channel(port);
    // Health starts NOT_SERVING and turns SERVING after the monitor's first backend check: load
    // balancers and
    // Kubernetes probes ask under both names, so both must come up.
    awaitServing(channel, "", server);
    awaitServing(channel, V1Grpc.SERVICE_NAME, server);
    assertThat(V1Grpc.SERVICE_NAME).isEqualTo("blacksquaremedia.accord.V1");

    String namespace = "it-memory";
    AcquireResponse granted = acquire(channel, "worker-1", namespace, "job-1", 60);
    assertThat(granted.getStatus()).as(server.describe()).isEqualTo(Status.OK);
    assertThat(granted.getHandle().getId().size())
        .as("handle id length (UUID layout, as Go clients expect)")
        .isEqualTo(16);
    assertThat(granted.getHandle().getNumAcquired()).isEqualTo(1);

    AcquireResponse refused = acquire(channel, "worker-2", namespace, "job-1", 60);
    assertThat(refused.getStatus()).as(server.describe()).isEqualTo(Status.HELD);
    // Someone else's handle id would let its holder be impersonated: it must not travel with a
    // refusal.
    assertThat(refused.getHandle().getId()).isEqualTo(ByteString.EMPTY);

    done(channel, "worker-1", granted.getHandle().getId());
    assertThat(acquire(channel, "worker-2", namespace, "job-1", 60).getStatus())
        .isEqualTo(Status.DONE);
    assertThat(acquire(channel, "worker-2", namespace, "job-2", 60).getStatus())
        .isEqualTo(Status.OK);

    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> page =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).as(server.describe()).isEqualTo(200);
    assertThat(page.body()).contains("data-namespace=\"it-memory\"");
    HttpResponse<String> metrics =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.headers().firstValue("Content-Type"))
        .contains("text/plain; version=0.0.4; charset=utf-8");

    Map<String, Handle> listed = list(channel, namespace);
    assertThat(listed).as(server.describe()).containsOnlyKeys("job-1", "job-2");
    assertThat(listed.get("job-1").getDoneTms()).as("job-1 is done").isPositive();
    assertThat(listed.get("job-2").getDoneTms()).as("job-2 is pending").isZero();

    int exitCode = server.terminate(STOP);
    assertThat(exitCode)
        .as("exit code after SIGTERM; %s", server.describe())
        .isEqualTo(EXIT_SIGTERM);
    assertThat(server.stderr()).as(server.describe()).contains("Accord server stopped");
  }

  @Test
  @DisplayName(
      "with ACCORD_TLS_CERT_FILE and ACCORD_TLS_KEY_FILE: TLS clients work, plaintext fails")
  void tlsFromTheEnvironmentServesTlsClientsAndRefusesPlaintext() throws Exception {
    IssuedCertificate issued =
        CertificateAuthority.create("process-test-ca", Duration.ofHours(1), Clock.systemUTC())
            .issue(
                CertificateRequest.server(List.of("localhost"), Duration.ofHours(1)),
                Clock.systemUTC());
    Path cert = Files.writeString(workDir.resolve("tls.crt"), issued.certificatePem());
    Path key = Files.writeString(workDir.resolve("tls.key"), issued.privateKeyPem());
    Path ca = Files.writeString(workDir.resolve("ca.crt"), issued.issuerPem());
    int port = freePort();
    ServerJarProcess server =
        start(
            Map.of(
                "ACCORD_BACKEND",
                "memory",
                "ACCORD_LISTEN",
                "127.0.0.1:" + port,
                "ACCORD_TLS_CERT_FILE",
                cert.toString(),
                "ACCORD_TLS_KEY_FILE",
                key.toString()));
    server.awaitStderr("Accord server listening on 127.0.0.1:" + port, MEMORY_STARTUP);
    assertThat(server.stderr()).as(server.describe()).contains("TLS").doesNotContain("unencrypted");

    try (AccordClient client =
        AccordClient.builder()
            .target("https://localhost:" + port)
            .tlsTrust(ca)
            .callDeadline(CALL_DEADLINE)
            .build()) {
      assertThat(client.acquire("tls-job").isAcquired()).as(server.describe()).isTrue();
    }
    assertThatThrownBy(
            () ->
                HealthGrpc.newBlockingStub(channel(port))
                    .withDeadlineAfter(5, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAVAILABLE));
  }

  @Test
  @DisplayName("an unreadable ACCORD_LISTEN is a usage error (exit 2) that names the variable")
  void badListenAddressExitsWithUsageErrorNamingTheVariable() throws Exception {
    ServerJarProcess server =
        start(Map.of("ACCORD_BACKEND", "memory", "ACCORD_LISTEN", "nonsense"));

    int exitCode = server.awaitExit(STOP);
    assertThat(exitCode).as(server.describe()).isEqualTo(EXIT_USAGE);
    assertThat(server.output()).as(server.describe()).contains("ACCORD_LISTEN");
    assertThat(server.stderr())
        .as("must refuse before serving; %s", server.describe())
        .doesNotContain("listening on");
  }

  @Test
  @DisplayName("an unknown ACCORD_BACKEND is a usage error (exit 2) that names the variable")
  void unknownBackendExitsWithUsageErrorNamingTheVariable() throws Exception {
    // A listen address of our own, so that if the check were missing the server would not take
    // :7475.
    ServerJarProcess server =
        start(Map.of("ACCORD_BACKEND", "mysql://x", "ACCORD_LISTEN", "127.0.0.1:" + freePort()));

    int exitCode = server.awaitExit(STOP);
    assertThat(exitCode).as(server.describe()).isEqualTo(EXIT_USAGE);
    assertThat(server.output()).as(server.describe()).contains("ACCORD_BACKEND");
    assertThat(server.stderr())
        .as("must refuse before serving; %s", server.describe())
        .doesNotContain("listening on");
  }

  @Test
  @DisplayName("embedded PostgreSQL (the default) keeps leases and done marks across a restart")
  void embeddedBackendKeepsStateAcrossRestart() throws Exception {
    Path dataDir = workDir.resolve("data");
    embeddedDataDirs.add(dataDir);
    String namespace = "it-embedded";

    // No ACCORD_BACKEND: what an operator gets by default must be the durable backend.
    int firstPort = freePort();
    ServerJarProcess first =
        start(
            Map.of(
                "ACCORD_DATA_DIR", dataDir.toString(), "ACCORD_LISTEN", "127.0.0.1:" + firstPort));
    first.awaitStderr("Accord server listening on 127.0.0.1:" + firstPort, EMBEDDED_STARTUP);
    assertThat(first.stderr()).as(first.describe()).contains("embedded PostgreSQL");
    ManagedChannel firstChannel = channel(firstPort);
    awaitServing(firstChannel, V1Grpc.SERVICE_NAME, first);

    AcquireResponse a = acquire(firstChannel, "worker-1", namespace, "a", 60);
    assertThat(a.getStatus()).as(first.describe()).isEqualTo(Status.OK);
    done(firstChannel, "worker-1", a.getHandle().getId());
    AcquireResponse b = acquire(firstChannel, "worker-1", namespace, "b", 3600);
    assertThat(b.getStatus()).as(first.describe()).isEqualTo(Status.OK);
    firstChannel.shutdownNow();

    int firstExit = first.terminate(STOP);
    assertThat(firstExit)
        .as("exit code after SIGTERM; %s", first.describe())
        .isEqualTo(EXIT_SIGTERM);
    assertThat(first.stderr()).as(first.describe()).contains("Accord server stopped");
    // A clean stop shuts PostgreSQL down too (it removes its pid file): the next start needs no
    // crash recovery
    // and finds no orphan to kill.
    assertThat(dataDir.resolve("postgres").resolve("postmaster.pid"))
        .as("PostgreSQL still running after a clean stop; %s", first.describe())
        .doesNotExist();

    int secondPort = freePort();
    ServerJarProcess second =
        start(
            Map.of(
                "ACCORD_DATA_DIR", dataDir.toString(), "ACCORD_LISTEN", "127.0.0.1:" + secondPort));
    second.awaitStderr("Accord server listening on 127.0.0.1:" + secondPort, EMBEDDED_STARTUP);
    ManagedChannel secondChannel = channel(secondPort);
    awaitServing(secondChannel, V1Grpc.SERVICE_NAME, second);

    // A done mark is forever, and a lease outlives the server that granted it: a restart must not
    // hand either
    // resource to a new worker.
    assertThat(acquire(secondChannel, "worker-2", namespace, "a", 60).getStatus())
        .as(second.describe())
        .isEqualTo(Status.DONE);
    AcquireResponse stillHeld = acquire(secondChannel, "worker-2", namespace, "b", 60);
    assertThat(stillHeld.getStatus()).as(second.describe()).isEqualTo(Status.HELD);
    assertThat(stillHeld.getHandle().getNumAcquired()).as("b's fencing token").isEqualTo(1);

    Map<String, Handle> listed = list(secondChannel, namespace);
    assertThat(listed).as(second.describe()).containsOnlyKeys("a", "b");
    assertThat(listed.get("a").getDoneTms()).as("a is done").isPositive();
    assertThat(listed.get("b").getDoneTms()).as("b is pending").isZero();
    assertThat(listed.get("b").getExpTms())
        .as("b's lease still runs for most of its hour")
        .isGreaterThan(System.currentTimeMillis() + Duration.ofMinutes(30).toMillis());
  }

  @Test
  @DisplayName("demo: 4 workers over 200 resources process each exactly once")
  void demoProcessesEveryResourceExactlyOnce() throws Exception {
    ServerJarProcess demo = start(Map.of(), "demo", "-w", "4", "-r", "200");

    int exitCode = demo.awaitExit(EMBEDDED_STARTUP.plus(STOP));
    assertThat(exitCode).as(demo.describe()).isZero();
    assertThat(demo.stdout())
        .as(demo.describe())
        .contains("processed    200")
        .contains("duplicates   0")
        .contains("Every resource processed exactly once.");
  }

  // ---------------------------------------------------------------------------------------------------------------

  private ServerJarProcess start(Map<String, String> env, String... args) throws IOException {
    ServerJarProcess process = ServerJarProcess.start(jar, workDir, env, args);
    processes.add(process);
    return process;
  }

  private ManagedChannel channel(int port) {
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    channels.add(channel);
    return channel;
  }

  private static void awaitServing(
      ManagedChannel channel, String service, ServerJarProcess server) {
    HealthCheckRequest request = HealthCheckRequest.newBuilder().setService(service).build();
    await("health of \"" + service + "\"")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .failFast(
            () ->
                assertThat(server.isAlive())
                    .as(() -> "server exited; " + server.describe())
                    .isTrue())
        .untilAsserted(
            () ->
                assertThat(
                        HealthGrpc.newBlockingStub(channel)
                            .withDeadlineAfter(5, TimeUnit.SECONDS)
                            .check(request)
                            .getStatus())
                    .isEqualTo(ServingStatus.SERVING));
  }

  private static V1Grpc.V1BlockingStub v1(ManagedChannel channel) {
    return V1Grpc.newBlockingStub(channel)
        .withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static AcquireResponse acquire(
      ManagedChannel channel, String owner, String namespace, String name, int ttlSeconds) {
    return v1(channel)
        .acquire(
            AcquireRequest.newBuilder()
                .setOwner(owner)
                .setNamespace(namespace)
                .setName(name)
                .setTtl(ttlSeconds)
                .build());
  }

  private static void done(ManagedChannel channel, String owner, ByteString handleId) {
    v1(channel).done(DoneRequest.newBuilder().setOwner(owner).setHandleId(handleId).build());
  }

  /** Drains the List stream: name to handle. */
  private static Map<String, Handle> list(ManagedChannel channel, String namespace) {
    Map<String, Handle> byName = new LinkedHashMap<>();
    Iterator<Handle> stream =
        v1(channel)
            .list(
                ListRequest.newBuilder()
                    .setFilter(ListRequest.Filter.newBuilder().setPrefix(namespace))
                    .build());
    stream.forEachRemaining(handle -> byName.put(handle.getName(), handle));
    return byName;
  }

  /**
   * A port free a moment ago. Another process could take it before the server binds; on loopback in
   * a test run that is rare, and the server would then fail loudly rather than pass wrongly.
   */
  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  private static void stopLeftoverPostgres(Path dataDir) {
    Path pidFile = dataDir.resolve("postgres").resolve("postmaster.pid");
    try {
      if (!Files.isRegularFile(pidFile)) {
        return;
      }
      List<String> lines = Files.readAllLines(pidFile);
      if (lines.isEmpty()) {
        return;
      }
      Optional<ProcessHandle> postmaster =
          ProcessHandle.of(Long.parseLong(lines.get(0).trim()))
              .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false));
      postmaster.ifPresent(
          p -> {
            p.destroy(); // SIGTERM: PostgreSQL's "smart" shutdown, its clients are already gone
            try {
              p.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
              p.destroyForcibly();
            }
          });
    } catch (IOException | RuntimeException e) {
      System.err.println("could not stop a leftover PostgreSQL on " + dataDir + ": " + e);
    }
  }
}
