package dev.accord.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accord.client.AccordClient;
import dev.accord.client.AcquireResult;
import dev.accord.client.ClaimResult;
import dev.accord.client.Lease;
import dev.accord.client.Scope;
import dev.accord.server.AccordServer;
import dev.accord.server.backend.postgres.PostgresBackend;
import dev.accord.server.testing.TestPostgres;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;

/**
 * Acquire with a wait, the CompletableFuture forms, and per-call namespace and TTL, against a real
 * server on PostgreSQL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AcquireWaitTest {
  private static final AtomicInteger namespaces = new AtomicInteger();
  private static final Duration LONG_WAIT = Duration.ofMinutes(2);
  private AccordServer server;
  private final List<AutoCloseable> closeAfterEach = new ArrayList<>();
  private String ns;

  @BeforeAll
  void startServer() throws Exception {
    server =
        AccordServer.start(
            AccordServer.tcp(new InetSocketAddress("127.0.0.1", 0)),
            PostgresBackend.open(TestPostgres.newDatabase(16)),
            32,
            Duration.ofSeconds(2),
            Duration.ofSeconds(1));
  }

  @AfterAll
  void stopServer() {
    server.shutdown();
  }

  @BeforeEach
  void namespace(TestInfo test) {
    ns =
        "wait-" + namespaces.incrementAndGet() + "-" + test.getTestMethod().orElseThrow().getName();
  }

  @AfterEach
  void closeClients() throws Exception {
    for (AutoCloseable closeable : closeAfterEach) {
      closeable.close();
    }
    closeAfterEach.clear();
  }

  private AccordClient client(String owner, Duration ttl) {
    AccordClient client =
        AccordClient.builder()
            .target("127.0.0.1:" + server.port())
            .owner(owner)
            .namespace(ns)
            .ttl(ttl)
            .callDeadline(Duration.ofSeconds(20))
            .build();
    closeAfterEach.add(0, client);
    return client;
  }

  @Test
  void anAcquireWithAWaitIsGrantedOnceTheHolderReleasesBeforeTheWaitEnds() throws Exception {
    // The holder renews every 600 ms: only its release lets the waiter in.
    Lease held = client("alice", Duration.ofSeconds(2)).acquire("file-1").lease();
    AccordClient bob = client("bob", Duration.ofMinutes(10));

    CompletableFuture<AcquireResult> waiting = bob.acquireAsync("file-1", LONG_WAIT);
    assertThat(bob.acquire("file-1").status()).isEqualTo(AcquireResult.Status.HELD);
    assertThat(waiting).isNotDone();
    held.discard(); // renew with ttl 0

    AcquireResult granted = waiting.get(LONG_WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(granted.status()).isEqualTo(AcquireResult.Status.ACQUIRED);
    assertThat(granted.lease().fencingToken()).isEqualTo(held.fencingToken() + 1);
    granted.lease().done();
  }

  @Test
  void anAcquireWithAWaitAnswersDoneAsSoonAsTheHolderMarksItDone() throws Exception {
    // Ten-minute leases and an hour's wait: only the done mark heard over Watch ends these waits
    // within the minute the test gives them.
    AccordClient alice = client("alice", Duration.ofMinutes(10));
    Lease held = alice.acquire("file-1").lease();
    AccordClient bob = client("bob", Duration.ofMinutes(10));
    assertThat(bob.awaitCacheWarm(Duration.ofSeconds(30))).isTrue();

    CompletableFuture<AcquireResult> waiting = bob.acquireAsync("file-1", Duration.ofHours(1));
    held.done();

    assertThat(waiting.get(1, TimeUnit.MINUTES).status()).isEqualTo(AcquireResult.Status.DONE);
  }

  @Test
  void inAnotherNamespaceTheWaitWatchesThatNamespaceForTheDoneMark() throws Exception {
    String other = ns + "-other";
    Lease held = client("alice", Duration.ofMinutes(10)).in(other).acquire("file-1").lease();
    AccordClient bob = client("bob", Duration.ofMinutes(10));

    CompletableFuture<AcquireResult> waiting =
        bob.in(other).acquireAsync("file-1", Duration.ofHours(1));
    assertThat(bob.in(other).acquire("file-1").status()).isEqualTo(AcquireResult.Status.HELD);
    held.done();

    assertThat(waiting.get(1, TimeUnit.MINUTES).status()).isEqualTo(AcquireResult.Status.DONE);
  }

  @Test
  void anAcquireWhoseWaitEndsFirstAnswersHeldWithTheHoldersExpiry() throws Exception {
    Lease held = client("alice", Duration.ofMinutes(10)).acquire("file-1").lease();
    AccordClient bob = client("bob", Duration.ofMinutes(10));

    AcquireResult result = bob.acquire("file-1", Duration.ofMillis(300));

    assertThat(result.status()).isEqualTo(AcquireResult.Status.HELD);
    assertThat(result.heldUntil()).isPresent();
    assertThat(held.isValid()).isTrue();
    assertThatThrownBy(() -> bob.acquire("file-1", Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("wait");
  }

  @Test
  void theFutureFormsOfAcquireAndClaimAnswerAsTheBlockingOnesDo() throws Exception {
    AccordClient alice = client("alice", Duration.ofMinutes(10));

    AcquireResult one = alice.acquireAsync("file-1").get(30, TimeUnit.SECONDS);
    ClaimResult claim =
        alice.claimAsync(List.of("file-1", "file-2", "file-3"), 1).get(30, TimeUnit.SECONDS);

    assertThat(one.isAcquired()).isTrue();
    assertThat(claim.held()).containsExactly("file-1");
    assertThat(claim.leases()).extracting(Lease::name).containsExactly("file-2");
    assertThat(claim.untried()).containsExactly("file-3");
    assertThatThrownBy(() -> alice.claimAsync(List.of("x"), 0).get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("max:");
  }

  @Test
  void aScopeAcquiresInItsOwnNamespaceWithItsOwnTtlOverTheSameClient() throws Exception {
    AccordClient alice = client("alice", Duration.ofMinutes(10));
    AccordClient bob = client("bob", Duration.ofMinutes(10));
    Scope other = alice.in(ns + "-other").withTtl(Duration.ofSeconds(5));

    Lease lease = other.acquire("file-1").lease();
    AcquireResult seenByBob = bob.in(ns + "-other").acquire("file-1");
    AcquireResult sameNameHere = bob.acquire("file-1");
    lease.done();

    assertThat(other.namespace()).isEqualTo(ns + "-other");
    assertThat(other.ttl()).isEqualTo(Duration.ofSeconds(5));
    assertThat(seenByBob.status()).isEqualTo(AcquireResult.Status.HELD);
    // A 5 s lease, not the client's ten minutes.
    assertThat(seenByBob.heldUntil().orElseThrow())
        .isBefore(Instant.now().plus(Duration.ofMinutes(5)));
    assertThat(sameNameHere.status()).isEqualTo(AcquireResult.Status.ACQUIRED);
    // The client's done-cache is its own namespace's only.
    assertThat(alice.isKnownDone("file-1")).isFalse();
    assertThat(other.isKnownDone("file-1")).isFalse();
    assertThat(bob.in(ns + "-other").acquire("file-1").status())
        .isEqualTo(AcquireResult.Status.DONE);
    assertThatThrownBy(() -> alice.withTtl(Duration.ofMillis(1500)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("ttl must be whole seconds");
    sameNameHere.lease().done();
  }
}
