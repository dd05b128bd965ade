package dev.accord.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accord.api.admin.AdminGrpc;
import dev.accord.api.admin.ReleaseRequest;
import dev.accord.client.AccordClient;
import dev.accord.client.AccordException;
import dev.accord.client.AcquireResult;
import dev.accord.client.Lease;
import dev.accord.client.LeaseLostException;
import dev.accord.server.AccordServer;
import dev.accord.server.backend.postgres.PostgresBackend;
import dev.accord.server.testing.TestPostgres;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@link Lease#doneAsync}, which the work loop marks done with, against a real server on
 * PostgreSQL: what it answers, and what becomes of the lease, when the server takes the done,
 * refuses it, or cannot be reached.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LeaseDoneAsyncTest {
  private AccordServer server;
  private final List<AutoCloseable> closeAfterEach = new ArrayList<>();

  @BeforeAll
  void startServer() throws Exception {
    server =
        AccordServer.start(
            AccordServer.tcp(new InetSocketAddress("127.0.0.1", 0)),
            PostgresBackend.open(TestPostgres.newDatabase(8)),
            8,
            Duration.ofSeconds(2),
            Duration.ofSeconds(1));
  }

  @AfterAll
  void stopServer() {
    server.shutdown();
  }

  @AfterEach
  void closeClients() throws Exception {
    for (AutoCloseable closeable : closeAfterEach) {
      closeable.close();
    }
    closeAfterEach.clear();
  }

  private AccordClient client(String owner, String namespace, ManagedChannel channel) {
    AccordClient.Builder builder =
        AccordClient.builder()
            .target("127.0.0.1:" + server.port())
            .owner(owner)
            .namespace(namespace)
            .callDeadline(Duration.ofSeconds(1));
    AccordClient client = (channel == null ? builder : builder.channel(channel)).build();
    closeAfterEach.add(0, client);
    return client;
  }

  private ManagedChannel channel() {
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    closeAfterEach.add(channel::shutdownNow);
    return channel;
  }

  @Test
  void theFutureCompletesOnceTheServerHasTheDoneWithItsMetadata() throws Exception {
    AccordClient alice = client("alice", "async-done", null);
    Lease lease = alice.acquire("file-1").lease();

    lease.doneAsync(Map.of("checksum", "abc")).get(10, TimeUnit.SECONDS);

    assertThat(lease.isDone()).isTrue();
    assertThat(lease.isValid()).isFalse();
    assertThat(alice.isKnownDone("file-1")).isTrue();
    AcquireResult again = client("bob", "async-done", null).acquire("file-1");
    assertThat(again.status()).isEqualTo(AcquireResult.Status.DONE);
    assertThatThrownBy(lease::done).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aDoneTheServerRefusesFailsWithLeaseLostAndLosesTheLease() throws Exception {
    AccordClient alice = client("alice", "async-refused", null);
    Lease lease = alice.acquire("file-1").lease();
    // An operator releases the grant: the handle alice holds is no longer the resource's.
    AdminGrpc.newBlockingStub(channel())
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .release(
            ReleaseRequest.newBuilder().setNamespace("async-refused").addNames("file-1").build());

    CompletableFuture<Void> marked = lease.doneAsync(Map.of());

    assertThatThrownBy(() -> marked.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(LeaseLostException.class);
    assertThat(lease.isLost()).isTrue();
    assertThat(lease.isDone()).isFalse();
    assertThat(client("bob", "async-refused", null).acquire("file-1").isAcquired()).isTrue();
  }

  @Test
  void aDoneThatCannotReachTheServerFailsAndLeavesTheLeaseValidForAnotherTry() throws Exception {
    AtomicBoolean partitioned = new AtomicBoolean();
    AccordClient alice =
        client(
            "alice",
            "async-unreachable",
            new InterceptedChannel(channel(), new FailingCalls("Done", partitioned)));
    Lease lease = alice.acquire("file-1").lease();
    partitioned.set(true);

    CompletableFuture<Void> marked = lease.doneAsync(Map.of());

    assertThatThrownBy(() -> marked.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            AccordException.class, e -> assertThat(e.code()).isEqualTo(Status.Code.UNAVAILABLE))
        .isNotInstanceOf(LeaseLostException.class);
    assertThat(lease.isValid()).isTrue();
    assertThat(lease.isDone()).isFalse();

    partitioned.set(false);
    lease.doneAsync(Map.of()).get(10, TimeUnit.SECONDS);
    assertThat(lease.isDone()).isTrue();
  }
}
