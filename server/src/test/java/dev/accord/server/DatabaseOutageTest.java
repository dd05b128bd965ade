package dev.accord.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.accord.api.v1.AcquireRequest;
import dev.accord.api.v1.DoneRequest;
import dev.accord.api.v1.Handle;
import dev.accord.api.v1.Status;
import dev.accord.api.v1.V1Grpc;
import dev.accord.server.backend.postgres.EmbeddedPostgres;
import dev.accord.server.backend.postgres.PostgresBackend;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server whose PostgreSQL goes away keeps running: health turns NOT_SERVING, calls answer
 * UNAVAILABLE at once, and both recover by themselves when the database is back, with nothing lost.
 */
class DatabaseOutageTest {
  @TempDir Path dataDir;
  private EmbeddedPostgres postgres;
  private AccordServer server;
  private ManagedChannel channel;

  @AfterEach
  void stop() throws IOException {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.shutdown();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void healthAndCallsFollowTheDatabaseDownAndBackUp() throws Exception {
    int pgPort = freePort();
    postgres = EmbeddedPostgres.start(dataDir, pgPort);
    PostgresBackend backend = PostgresBackend.open(postgres.settings(4));
    server =
        AccordServer.start(
            AccordServer.tcp(new InetSocketAddress("127.0.0.1", 0)),
            backend,
            8,
            Duration.ofSeconds(1),
            Duration.ofMillis(200));
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    V1Grpc.V1BlockingStub stub = V1Grpc.newBlockingStub(channel);

    awaitHealth(ServingStatus.SERVING);
    Handle handle = stub.acquire(acquire("alice", "before-outage")).getHandle();
    stub.done(DoneRequest.newBuilder().setOwner("alice").setHandleId(handle.getId()).build());

    postgres.close();
    postgres = null;

    awaitHealth(ServingStatus.NOT_SERVING);
    assertThat(
            HealthGrpc.newBlockingStub(channel)
                .check(
                    HealthCheckRequest.newBuilder()
                        .setService(AccordServer.LIVENESS_SERVICE)
                        .build())
                .getStatus())
        .as("liveness does not follow the database")
        .isEqualTo(ServingStatus.SERVING);
    assertThatThrownBy(() -> stub.acquire(acquire("alice", "during-outage")))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAVAILABLE);
              assertThat(e.getStatus().getDescription())
                  .startsWith("database unavailable")
                  .doesNotContain("\tat ");
            });

    // Once the server knows, calls fail fast: UNAVAILABLE (which clients retry) well within a 1 s
    // deadline, not DEADLINE_EXCEEDED after the pool's 3 s connection timeout.
    List<io.grpc.Status.Code> outcomes = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      try {
        stub.withDeadlineAfter(1, TimeUnit.SECONDS).acquire(acquire("carol", "fast-" + i));
        outcomes.add(io.grpc.Status.Code.OK);
      } catch (StatusRuntimeException e) {
        outcomes.add(e.getStatus().getCode());
      }
    }
    assertThat(outcomes).containsOnly(io.grpc.Status.Code.UNAVAILABLE);

    postgres = EmbeddedPostgres.start(dataDir, pgPort);

    awaitHealth(ServingStatus.SERVING);
    // The first call may still meet a connection from before the restart (UNAVAILABLE, which
    // clients retry).
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreException(StatusRuntimeException.class)
        .until(() -> stub.acquire(acquire("bob", "before-outage")).getStatus() == Status.DONE);
    assertThat(stub.acquire(acquire("bob", "after-outage")).getStatus()).isEqualTo(Status.OK);
  }

  private void awaitHealth(ServingStatus expected) {
    HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
    for (String service : new String[] {"", "blacksquaremedia.accord.V1"}) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  health
                          .check(HealthCheckRequest.newBuilder().setService(service).build())
                          .getStatus()
                      == expected);
    }
  }

  private static AcquireRequest acquire(String owner, String name) {
    return AcquireRequest.newBuilder()
        .setOwner(owner)
        .setNamespace("outage")
        .setName(name)
        .setTtl(60)
        .build();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
