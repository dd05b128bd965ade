package dev.accord.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.accord.api.v1.AcquireRequest;
import dev.accord.api.v1.AcquireResponse;
import dev.accord.api.v1.DoneRequest;
import dev.accord.api.v1.V1Grpc;
import dev.accord.client.AccordClient;
import dev.accord.client.AcquireResult;
import dev.accord.client.ClaimResult;
import dev.accord.client.Lease;
import dev.accord.client.LeaseLostException;
import dev.accord.client.WorkLoop;
import dev.accord.server.AccordServer;
import dev.accord.server.backend.AcquireCommand;
import dev.accord.server.backend.DoneCommand;
import dev.accord.server.backend.Resource;
import dev.accord.server.backend.memory.MemoryBackend;
import dev.accord.server.backend.postgres.PostgresBackend;
import dev.accord.server.backend.postgres.PostgresSettings;
import dev.accord.server.grpc.AccordV1Service;
import dev.accord.server.testing.TestPostgres;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Server;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;

/** The client library against a real server on PostgreSQL, over a real socket. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccordClientTest {
  private static final AtomicInteger namespaces = new AtomicInteger();
  private PostgresSettings database;
  private AccordServer server;
  private final List<AutoCloseable> closeAfterEach = new ArrayList<>();
  private String ns;

  @BeforeAll
  void startServer() throws Exception {
    database = TestPostgres.newDatabase(16);
    server = startServer(0);
  }

  private AccordServer startServer(int port) throws Exception {
    return AccordServer.start(
        AccordServer.tcp(new InetSocketAddress("127.0.0.1", port)),
        PostgresBackend.open(database),
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
        "client-"
            + namespaces.incrementAndGet()
            + "-"
            + test.getTestMethod().orElseThrow().getName();
  }

  @AfterEach
  void closeClients() throws Exception {
    for (AutoCloseable closeable : closeAfterEach) {
      closeable.close();
    }
    closeAfterEach.clear();
  }

  private AccordClient.Builder builder(String owner) {
    return AccordClient.builder()
        .target("127.0.0.1:" + server.port())
        .owner(owner)
        .namespace(ns)
        .callDeadline(Duration.ofSeconds(20));
  }

  private AccordClient client(String owner) {
    return track(builder(owner).build());
  }

  private <T extends AutoCloseable> T track(T closeable) {
    closeAfterEach.add(0, closeable);
    return closeable;
  }

  @Test
  void acquireAnswersAcquiredHeldOrDoneWithoutExceptions() {
    AccordClient alice = client("alice");
    AccordClient bob = client("bob");

    AcquireResult first = alice.acquire("file-1", Map.of("k", "v"));
    AcquireResult held = bob.acquire("file-1");
    first.lease().done();
    AcquireResult done = bob.acquire("file-1");

    assertThat(first.status()).isEqualTo(AcquireResult.Status.ACQUIRED);
    assertThat(first.lease().fencingToken()).isEqualTo(1);
    assertThat(held.status()).isEqualTo(AcquireResult.Status.HELD);
    assertThat(held.heldUntil()).isPresent();
    assertThat(held.leaseIfAcquired()).isEmpty();
    assertThat(done.status()).isEqualTo(AcquireResult.Status.DONE);
    assertThatThrownBy(held::lease)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("HELD");
  }

  @Test
  void leasesRenewThemselvesPastTheirTtlAndCarryMetadataSetOnThem() {
    AccordClient alice = track(builder("alice").ttl(Duration.ofSeconds(2)).build());
    AccordClient bob = client("bob");
    Lease lease = alice.acquire("long-job").lease();
    lease.setMetadata("progress", "50%");

    // Four TTLs later the lease is still alice's: the background renewals kept it.
    await()
        .during(Duration.ofSeconds(8))
        .atMost(Duration.ofSeconds(12))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> bob.acquire("long-job").status() == AcquireResult.Status.HELD);
    assertThat(lease.isValid()).isTrue();
    assertThat(lease.metadata()).containsEntry("progress", "50%");

    lease.done(Map.of("result", "ok"));
    assertThat(bob.acquire("long-job").status()).isEqualTo(AcquireResult.Status.DONE);
    assertThat(namespaceMetadata("long-job"))
        .containsEntry("progress", "50%")
        .containsEntry("result", "ok");
  }

  private Map<String, String> namespaceMetadata(String name) {
    try (PostgresBackend backend = PostgresBackend.open(database)) {
      return backend
          .acquire(new AcquireCommand("reader", ns, name, 1, Map.of()))
          .resource()
          .metadata();
    }
  }

  @Test
  void closingWithoutDoneReleasesTheResourceAtOnce() {
    AccordClient alice = client("alice");
    AccordClient bob = client("bob");

    try (Lease lease = alice.acquire("file-1").lease()) {
      assertThat(lease.isValid()).isTrue();
    }

    AcquireResult next = bob.acquire("file-1");
    assertThat(next.status()).isEqualTo(AcquireResult.Status.ACQUIRED);
    assertThat(next.lease().fencingToken()).isEqualTo(2);
  }

  @Test
  void afterDoneOrDiscardEveryOperationSaysTheLeaseIsClosed() {
    AccordClient alice = client("alice");
    Lease done = alice.acquire("a").lease();
    done.done();
    Lease discarded = alice.acquire("b").lease();
    discarded.discard();

    for (Lease lease : List.of(done, discarded)) {
      assertThat(lease.isValid()).isFalse();
      assertThatThrownBy(lease::done)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("closed");
      assertThatThrownBy(lease::renew)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("closed");
      assertThatThrownBy(lease::discard)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("closed");
      assertThatThrownBy(() -> lease.setMetadata("k", "v"))
          .isInstanceOf(IllegalStateException.class);
      lease.close(); // closing twice is fine
    }
  }

  @Test
  void thousandsOfOpenLeasesShareOneSchedulerThread() {
    AccordClient alice = client("alice");
    int threadsBefore = Thread.activeCount();

    List<Lease> leases = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      leases.add(alice.acquire("file-" + i).lease());
    }

    assertThat(Thread.activeCount() - threadsBefore).isLessThan(20);
    assertThat(leases).allMatch(Lease::isValid);
    leases.forEach(Lease::close);
  }

  @Test
  void eightWorkersOverTwoThousandNamesProcessEachExactlyOnce() throws Exception {
    List<String> names =
        IntStream.range(0, 2_000).mapToObj(i -> String.format("file-%05d", i)).toList();
    ConcurrentHashMap<String, AtomicInteger> processed = new ConcurrentHashMap<>();
    ExecutorService workers = Executors.newFixedThreadPool(8);
    List<Future<WorkLoop.Progress>> results = new ArrayList<>();
    for (int w = 0; w < 8; w++) {
      AccordClient worker = client("worker-" + w);
      results.add(
          workers.submit(
              () ->
                  worker
                      .workLoop(
                          2,
                          lease ->
                              processed
                                  .computeIfAbsent(lease.name(), n -> new AtomicInteger())
                                  .incrementAndGet())
                      .run(names)));
    }
    long doneByLoops = 0;
    for (Future<WorkLoop.Progress> result : results) {
      WorkLoop.Progress progress = result.get();
      assertThat(progress.failed()).isZero();
      assertThat(progress.total()).isEqualTo(names.size());
      doneByLoops += progress.done();
    }
    workers.shutdown();

    assertThat(processed).hasSize(names.size());
    assertThat(processed.values()).allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
    assertThat(doneByLoops).isEqualTo(names.size());
    AccordClient checker = client("checker");
    assertThat(names).allMatch(name -> checker.acquire(name).status() == AcquireResult.Status.DONE);
  }

  @Test
  void claimGrantsRenewingLeasesAndTeachesTheCacheWhatIsDone() {
    AccordClient alice = client("alice");
    AccordClient bob = client("bob");
    bob.acquire("finished").lease().done();
    Lease bobs = bob.acquire("taken").lease();

    ClaimResult result = alice.claim(List.of("finished", "taken", "a", "b", "c"), 2);

    assertThat(result.leases()).extracting(Lease::name).containsExactly("a", "b");
    assertThat(result.leases()).allSatisfy(lease -> assertThat(lease.fencingToken()).isEqualTo(1));
    assertThat(result.done()).containsExactly("finished");
    assertThat(result.held()).containsExactly("taken");
    assertThat(result.untried()).containsExactly("c");
    assertThat(alice.isKnownDone("finished")).isTrue();
    result.leases().get(0).done();
    assertThat(bob.acquire("a").status()).isEqualTo(AcquireResult.Status.DONE);
    assertThat(bob.acquire("b").status()).isEqualTo(AcquireResult.Status.HELD);
    bobs.done();
    assertThatThrownBy(() -> alice.claim(List.of("x"), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("max:");
  }

  @Test
  void againstAServerWithoutClaimTheWorkLoopAcquiresOneByOne() throws Exception {
    MemoryBackend backend = new MemoryBackend();
    ScheduledExecutorService watches = Executors.newSingleThreadScheduledExecutor();
    ServerServiceDefinition full = new AccordV1Service(backend, watches).bindService();
    ServerServiceDefinition.Builder withoutClaim =
        ServerServiceDefinition.builder(full.getServiceDescriptor().getName());
    for (ServerMethodDefinition<?, ?> method : full.getMethods()) {
      if (!method.getMethodDescriptor().getBareMethodName().equals("Claim")) {
        withoutClaim.addMethod(method);
      }
    }
    String name = InProcessServerBuilder.generateName();
    Server older =
        InProcessServerBuilder.forName(name).addService(withoutClaim.build()).build().start();
    closeAfterEach.add(older::shutdownNow);
    List<String> names = IntStream.range(0, 50).mapToObj(i -> "file-" + i).toList();
    ConcurrentHashMap<String, AtomicInteger> processed = new ConcurrentHashMap<>();
    try (AccordClient worker =
        AccordClient.builder()
            .channel(InProcessChannelBuilder.forName(name).build())
            .owner("worker")
            .namespace(ns)
            .build()) {
      WorkLoop.Progress progress =
          worker
              .workLoop(
                  4,
                  lease ->
                      processed
                          .computeIfAbsent(lease.name(), n -> new AtomicInteger())
                          .incrementAndGet())
              .run(names);

      assertThat(progress.done()).isEqualTo(names.size());
      assertThat(progress.failed()).isZero();
    } finally {
      watches.shutdownNow();
    }
    assertThat(processed).hasSize(names.size());
    assertThat(processed.values()).allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
  }

  @Test
  void aDeadWorkersLeaseIsTakenOverAfterItsTtlAndItsLateDoneIsRefused() {
    // The dead worker speaks the raw API: it acquired, then stopped renewing (a crash, a long
    // pause).
    ManagedChannel raw =
        track(
                new ClosingChannel(
                    ManagedChannelBuilder.forAddress("127.0.0.1", server.port())
                        .usePlaintext()
                        .build()))
            .channel;
    V1Grpc.V1BlockingStub dead = V1Grpc.newBlockingStub(raw);
    AcquireResponse deadGrant =
        dead.acquire(
            AcquireRequest.newBuilder()
                .setOwner("dead")
                .setNamespace(ns)
                .setName("file-1")
                .setTtl(1)
                .build());
    AccordClient bob = client("bob");

    AcquireResult takeover =
        await()
            .atMost(Duration.ofSeconds(10))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> bob.acquire("file-1"), AcquireResult::isAcquired);
    assertThat(takeover.lease().fencingToken())
        .isEqualTo(deadGrant.getHandle().getNumAcquired() + 1L);
    takeover.lease().done();

    assertThatThrownBy(
            () ->
                dead.done(
                    DoneRequest.newBuilder()
                        .setOwner("dead")
                        .setHandleId(deadGrant.getHandle().getId())
                        .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
              assertThat(e.getStatus().getDescription()).contains("superseded");
            });
  }

  @Test
  void aLeaseWhoseRenewalsCannotGetThroughIsLostAndItsDoneRefusedLocally() {
    AtomicBoolean partitioned = new AtomicBoolean();
    List<LeaseLostException> lost = new CopyOnWriteArrayList<>();
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    AccordClient alice =
        track(
            builder("alice")
                .ttl(Duration.ofSeconds(2))
                .doneCache(false)
                .channel(new InterceptedChannel(channel, new FailingCalls("Renew", partitioned)))
                .listener(
                    new AccordClient.Listener() {
                      @Override
                      public void leaseLost(Lease lease, LeaseLostException cause) {
                        lost.add(cause);
                      }
                    })
                .build());
    AccordClient bob = client("bob");
    Lease lease = alice.acquire("file-1").lease();

    partitioned.set(true);
    AcquireResult takeover =
        await()
            .atMost(Duration.ofSeconds(10))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> bob.acquire("file-1"), AcquireResult::isAcquired);

    assertThat(takeover.lease().fencingToken()).isGreaterThan(lease.fencingToken());
    await().atMost(Duration.ofSeconds(10)).until(() -> !lease.isValid());
    assertThat(lost).singleElement().satisfies(e -> assertThat(e.reason()).isEqualTo("EXPIRED"));
    partitioned.set(false);
    assertThatThrownBy(lease::done).isInstanceOf(LeaseLostException.class);
    takeover.lease().done();
  }

  @Test
  void aSecondClientLearnsOfADoneMarkThroughWatchWithinASecond() throws Exception {
    AccordClient alice = client("alice");
    AccordClient bob = client("bob");
    assertThat(bob.awaitCacheWarm(Duration.ofSeconds(10))).isTrue();

    alice.acquire("file-1").lease().done();

    await().atMost(Duration.ofSeconds(1)).until(() -> bob.isKnownDone("file-1"));
  }

  @Test
  void aClientStartedAfterTenThousandDoneMarksHasThemAllInItsCache() throws Exception {
    try (PostgresBackend direct = PostgresBackend.open(database)) {
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<Future<?>> marks = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        marks.add(
            pool.submit(
                () -> {
                  for (int i = thread; i < 10_000; i += 8) {
                    Resource grant =
                        direct
                            .acquire(new AcquireCommand("marker", ns, "file-" + i, 60, Map.of()))
                            .resource();
                    direct.done(new DoneCommand("marker", grant.handleId(), Map.of()));
                  }
                  return null;
                }));
      }
      for (Future<?> mark : marks) {
        mark.get();
      }
      pool.shutdown();
    }

    AccordClient late = client("late");

    assertThat(late.awaitCacheWarm(Duration.ofSeconds(60))).isTrue();
    assertThat(late.knownDoneCount()).isEqualTo(10_000);
    assertThat(IntStream.range(0, 10_000)).allMatch(i -> late.isKnownDone("file-" + i));
  }

  @Test
  void watchAcrossAServerRestartMissesNothing() throws Exception {
    AccordServer own = startServer(0);
    int port = own.port();
    AccordClient watcher =
        track(
            AccordClient.builder()
                .target("127.0.0.1:" + port)
                .owner("watcher")
                .namespace(ns)
                .build());
    assertThat(watcher.awaitCacheWarm(Duration.ofSeconds(10))).isTrue();
    AccordClient writer = client("writer");
    writer.acquire("before-stop").lease().done();
    await().atMost(Duration.ofSeconds(5)).until(() -> watcher.isKnownDone("before-stop"));

    own.shutdown();
    for (int i = 0; i < 50; i++) {
      writer
          .acquire("while-down-" + i)
          .lease()
          .done(); // through the other server, as another replica would
    }
    AccordServer restarted = startServer(port);
    try {
      writer.acquire("after-restart").lease().done();

      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                assertThat(watcher.isKnownDone("after-restart")).isTrue();
                assertThat(IntStream.range(0, 50))
                    .allMatch(i -> watcher.isKnownDone("while-down-" + i));
              });
    } finally {
      restarted.shutdown();
    }
  }

  @Test
  void directModeOffersTheSameClientOverABackendInThisProcess() throws Exception {
    try (PostgresBackend backend = PostgresBackend.open(database)) {
      AccordClient alice =
          track(
              dev.accord.server.direct.DirectAccord.clientBuilder(backend)
                  .owner("alice")
                  .namespace(ns)
                  .build());
      AccordClient bob = client("bob"); // through the server, on the same database
      assertThat(bob.awaitCacheWarm(Duration.ofSeconds(10))).isTrue();

      Lease lease = alice.acquire("file-1").lease();
      assertThat(bob.acquire("file-1").status()).isEqualTo(AcquireResult.Status.HELD);
      lease.done();

      await().atMost(Duration.ofSeconds(5)).until(() -> bob.isKnownDone("file-1"));
      assertThat(alice.acquire("file-1").status()).isEqualTo(AcquireResult.Status.DONE);
      alice.close();
    }
  }

  @Test
  void aCallMadeWhileTheServerRestartsIsRetriedUntilItIsBack() throws Exception {
    AccordServer own = startServer(0);
    int port = own.port();
    AccordClient alice =
        track(
            AccordClient.builder()
                .target("127.0.0.1:" + port)
                .owner("alice")
                .namespace(ns)
                .doneCache(false)
                .callDeadline(Duration.ofSeconds(30))
                .build());
    alice.acquire("warm-up").lease().done();
    own.shutdown();

    CompletableFuture<AcquireResult> pending =
        CompletableFuture.supplyAsync(() -> alice.acquire("file-1"));
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(2))
        .until(() -> !pending.isDone());
    AccordServer restarted = startServer(port);
    try {
      AcquireResult result = pending.get(30, TimeUnit.SECONDS);
      assertThat(result.status()).isEqualTo(AcquireResult.Status.ACQUIRED);
      result.lease().done();
    } finally {
      restarted.shutdown();
    }
  }

  private record ClosingChannel(ManagedChannel channel) implements AutoCloseable {
    @Override
    public void close() {
      channel.shutdownNow();
    }
  }
}
