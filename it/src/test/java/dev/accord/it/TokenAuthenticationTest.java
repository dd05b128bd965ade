package dev.accord.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.accord.client.AccordClient;
import dev.accord.client.AccordException;
import dev.accord.server.AccordServer;
import dev.accord.server.CallSecurity;
import dev.accord.server.backend.ListQuery;
import dev.accord.server.backend.memory.MemoryBackend;
import dev.accord.server.security.TokenFileAuthenticator;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server with {@code ACCORD_AUTH=tokens:FILE} driven from outside over a real socket by clients
 * configured as a pod would be ({@code ACCORD_TOKEN_FILE}).
 */
class TokenAuthenticationTest {
  @TempDir Path dir;

  private final MemoryBackend backend = new MemoryBackend();
  private final List<AutoCloseable> closeAfter = new ArrayList<>();
  private AccordServer server;

  @BeforeEach
  void start() throws Exception {
    Path tokens =
        Files.writeString(
            dir.resolve("tokens.csv"),
            "alice-token,alice,1,\"workers\"\nbob-token,bob,2,\"workers\"\n");
    server =
        AccordServer.start(
            AccordServer.tcp(new InetSocketAddress("127.0.0.1", 0)),
            backend,
            4,
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            new CallSecurity(List.of(new TokenFileAuthenticator(tokens)), null, true));
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable closeable : closeAfter) {
      closeable.close();
    }
    server.shutdown();
  }

  private Path tokenFile(String name, String token) throws Exception {
    return Files.writeString(dir.resolve(name), token + "\n");
  }

  private AccordClient client(String owner, Path tokenFile, boolean doneCache) {
    Map<String, String> env =
        tokenFile == null
            ? Map.of("ACCORD_TARGET", "127.0.0.1:" + server.port(), "ACCORD_OWNER", owner)
            : Map.of(
                "ACCORD_TARGET",
                "127.0.0.1:" + server.port(),
                "ACCORD_OWNER",
                owner,
                "ACCORD_TOKEN_FILE",
                tokenFile.toString());
    AccordClient client =
        AccordClient.builderFromEnvironment(env)
            .namespace("jobs")
            .doneCache(doneCache)
            .callDeadline(Duration.ofSeconds(10))
            .build();
    closeAfter.add(0, client);
    return client;
  }

  @Test
  void aClientWithoutATokenIsUnauthenticatedAndNothingIsWritten() {
    AccordClient anonymous = client("mallory", null, false);

    assertThatThrownBy(() -> anonymous.acquire("r1"))
        .isInstanceOfSatisfying(
            AccordException.class,
            e -> {
              assertThat(e.code()).isEqualTo(Status.Code.UNAUTHENTICATED);
              assertThat(e.getMessage()).contains("no credentials");
            });
    assertThat(backend.list(ListQuery.all(), null, 10)).isEmpty();
  }

  @Test
  void clientsWithTokensWorkAndTheirWatchStreamCarriesTheToken() throws Exception {
    AccordClient alice = client("alice", tokenFile("alice.token", "alice-token"), false);
    AccordClient bob = client("bob", tokenFile("bob.token", "bob-token"), true);
    assertThat(bob.awaitCacheWarm(Duration.ofSeconds(10))).isTrue();

    alice.acquire("file-1").lease().done();

    await().atMost(Duration.ofSeconds(5)).until(() -> bob.isKnownDone("file-1"));
  }

  @Test
  void theClientFollowsItsTokenFileAsItRotates() throws Exception {
    Path file = tokenFile("worker.token", "alice-token");
    AccordClient worker = client("worker", file, false);
    assertThat(worker.acquire("r1").isAcquired()).isTrue();

    Files.move(
        tokenFile("next", "revoked-token"),
        file,
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    assertThatThrownBy(() -> worker.acquire("r2"))
        .isInstanceOfSatisfying(
            AccordException.class,
            e -> {
              assertThat(e.code()).isEqualTo(Status.Code.UNAUTHENTICATED);
              assertThat(e.getMessage()).contains("token not recognised");
            });

    Files.move(
        tokenFile("next", "bob-token"),
        file,
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    assertThat(worker.acquire("r3").isAcquired()).isTrue();
    assertThat(backend.list(ListQuery.all(), null, 10))
        .extracting(resource -> resource.name())
        .containsExactlyInAnyOrder("r1", "r3");
  }

  @Test
  void healthChecksNeedNoToken() {
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    closeAfter.add(channel::shutdownNow);

    assertThat(
            HealthGrpc.newBlockingStub(channel)
                .check(
                    HealthCheckRequest.newBuilder()
                        .setService(AccordServer.LIVENESS_SERVICE)
                        .build())
                .getStatus())
        .isEqualTo(ServingStatus.SERVING);
  }
}
