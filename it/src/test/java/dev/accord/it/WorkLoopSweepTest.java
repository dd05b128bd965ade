package dev.accord.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.accord.api.v1.Handle;
import dev.accord.api.v1.ListRequest;
import dev.accord.api.v1.RenewRequest;
import dev.accord.api.v1.V1Grpc;
import dev.accord.client.AccordClient;
import dev.accord.client.AcquireResult;
import dev.accord.client.ClaimResult;
import dev.accord.client.Lease;
import dev.accord.client.WorkLoop;
import dev.accord.server.AccordServer;
import dev.accord.server.backend.postgres.PostgresBackend;
import dev.accord.server.testing.TestPostgres;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;

/**
 * Work loops that finish their sweep, against a real server on PostgreSQL: names a killed worker
 * held are taken over in the same run, failing tasks are retried and given up with their attempts
 * in the metadata.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkLoopSweepTest {
  private static final AtomicInteger namespaces = new AtomicInteger();
  private AccordServer server;
  private final List<AutoCloseable> closeAfterEach = new ArrayList<>();
  private final ExecutorService threads = Executors.newCachedThreadPool();
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
    threads.shutdownNow();
    server.shutdown();
  }

  @BeforeEach
  void namespace(TestInfo test) {
    ns =
        "sweep-"
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
  void oneOfThreeWorkersKilledHoldingNamesTheOtherTwoStillFinishEveryName() throws Exception {
    List<String> names = IntStream.range(0, 60).mapToObj(i -> "file-" + i).toList();
    // The worker to kill holds three names in tasks that never end, with a 2 s TTL.
    ManagedChannel killedChannel =
        ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    AccordClient killed =
        builder("killed")
            .ttl(Duration.ofSeconds(2))
            .callDeadline(Duration.ofSeconds(2))
            .channel(killedChannel)
            .listener(new AccordClient.Listener() {})
            .build();
    Set<String> heldByKilled = ConcurrentHashMap.newKeySet();
    CountDownLatch never = new CountDownLatch(1);
    WorkLoop killedLoop =
        killed.workLoop(
            3,
            lease -> {
              heldByKilled.add(lease.name());
              never.await();
            });
    Future<WorkLoop.Progress> killedRun = threads.submit(() -> killedLoop.run(names));
    await().atMost(Duration.ofSeconds(30)).until(() -> heldByKilled.size() == 3);

    // Killed: its connection is gone, nothing is released, its leases run out on the server.
    killedChannel.shutdownNow();

    Map<String, List<Long>> tokens = new ConcurrentHashMap<>();
    List<Future<WorkLoop.Progress>> runs = new ArrayList<>();
    for (String owner : List.of("alice", "bob")) {
      WorkLoop loop =
          client(owner)
              .workLoop(
                  2,
                  lease ->
                      tokens
                          .computeIfAbsent(lease.name(), n -> new CopyOnWriteArrayList<>())
                          .add(lease.fencingToken()));
      runs.add(threads.submit(() -> loop.run(names)));
    }
    long done = 0;
    for (Future<WorkLoop.Progress> run : runs) {
      WorkLoop.Progress progress = run.get();
      assertThat(progress.failedNames()).isEmpty();
      assertThat(progress.heldNames()).isEmpty();
      assertThat(progress.heldByOthers()).isZero();
      done += progress.done();
    }

    assertThat(done).isEqualTo(names.size());
    assertThat(tokens.keySet()).containsExactlyInAnyOrderElementsOf(names);
    assertThat(tokens.values()).allSatisfy(granted -> assertThat(granted).hasSize(1));
    // The killed worker's names were taken over: their second grant.
    for (String name : heldByKilled) {
      assertThat(tokens.get(name)).containsExactly(2L);
    }
    AccordClient checker = client("checker");
    assertThat(names).allMatch(name -> checker.acquire(name).status() == AcquireResult.Status.DONE);

    killedLoop.close();
    never.countDown();
    WorkLoop.Progress killedProgress = killedRun.get();
    assertThat(killedProgress.done()).isZero();
    killed.close();
  }

  @Test
  void withRevisitHeldOffALoopLeavesHeldNamesToTheirHolderAndSaysWhichAtExit() throws Exception {
    AccordClient alice = client("alice");
    Lease held = client("bob").acquire("file-2").lease();

    WorkLoop.Progress progress =
        alice.workLoop(2, lease -> {}).revisitHeld(false).run(List.of("file-1", "file-2"));

    assertThat(progress.done()).isEqualTo(1);
    assertThat(progress.heldByOthers()).isEqualTo(1);
    assertThat(progress.heldNames()).containsExactly("file-2");
    assertThat(held.isValid()).isTrue();
    held.done();
  }

  @Test
  void aLoopClosedWhileItHoldsLeasesClaimedAheadGivesThemBackAtOnce() throws Exception {
    List<String> names = IntStream.range(0, 300).mapToObj(i -> "file-" + i).toList();
    AtomicInteger processed = new AtomicInteger();
    WorkLoop[] loop = new WorkLoop[1];
    // Tasks that take no time make the loop claim leases ahead of its one thread.
    loop[0] =
        client("alice")
            .workLoop(
                1,
                lease -> {
                  if (processed.incrementAndGet() == 100) {
                    loop[0].close();
                  }
                })
            .revisitHeld(false);

    WorkLoop.Progress progress = loop[0].run(names);

    assertThat(progress.done()).isEqualTo(100);
    // The leases it claimed and never ran are free: nothing waits for their 30 s TTL.
    ClaimResult rest = client("bob").claim(names, 1_000);
    assertThat(rest.held()).isEmpty();
    assertThat(rest.done()).hasSize(100);
    assertThat(rest.leases()).hasSize(200);
    rest.leases().forEach(Lease::done);
  }

  @Test
  void aFailingTaskIsRetriedUntilMaxAttemptsThenReleasedAndReportedFailed() throws Exception {
    AccordClient alice = client("alice");
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

    WorkLoop.Progress progress =
        alice
            .workLoop(
                2,
                lease -> {
                  int run =
                      runs.computeIfAbsent(lease.name(), n -> new AtomicInteger())
                          .incrementAndGet();
                  if (lease.name().equals("broken") || (lease.name().equals("flaky") && run == 1)) {
                    throw new IllegalStateException("disk full on run " + run);
                  }
                })
            .maxAttempts(3)
            .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(50))
            .run(List.of("fine", "flaky", "broken"));

    assertThat(progress.done()).isEqualTo(2);
    assertThat(progress.failed()).isEqualTo(1);
    assertThat(progress.failedNames()).containsExactly("broken");
    assertThat(runs.get("broken")).hasValue(3);
    assertThat(runs.get("flaky")).hasValue(2);

    // Released at once, with the record of its attempts.
    AcquireResult broken = client("bob").acquire("broken");
    assertThat(broken.status()).isEqualTo(AcquireResult.Status.ACQUIRED);
    assertThat(broken.lease().metadata())
        .containsEntry(WorkLoop.METADATA_ATTEMPTS, "3")
        .containsEntry(WorkLoop.METADATA_FAILED, "true")
        .hasEntrySatisfying(
            WorkLoop.METADATA_LAST_ERROR,
            error ->
                assertThat(error).isEqualTo("java.lang.IllegalStateException: disk full on run 3"));
    broken.lease().close();

    // A later sweep does not try it again, and says it failed.
    WorkLoop.Progress rerun =
        client("carol")
            .workLoop(1, lease -> runs.get(lease.name()).incrementAndGet())
            .run(List.of("broken"));
    assertThat(rerun.failedNames()).containsExactly("broken");
    assertThat(runs.get("broken")).hasValue(3);
  }

  @Test
  void aSuccessClearsTheAttemptsAFailureRecorded() throws Exception {
    AccordClient alice = client("alice");
    AtomicInteger runs = new AtomicInteger();

    WorkLoop.Progress progress =
        alice
            .workLoop(
                1,
                lease -> {
                  if (runs.incrementAndGet() == 1) {
                    throw new IllegalStateException("timeout");
                  }
                  assertThat(lease.metadata())
                      .containsEntry(WorkLoop.METADATA_ATTEMPTS, "1")
                      .containsEntry(
                          WorkLoop.METADATA_LAST_ERROR, "java.lang.IllegalStateException: timeout");
                })
            .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(10))
            .run(List.of("file-1"));

    assertThat(progress.done()).isEqualTo(1);
    assertThat(runs).hasValue(2);
    assertThat(doneMetadata("file-1"))
        .containsEntry(WorkLoop.METADATA_ATTEMPTS, "")
        .containsEntry(WorkLoop.METADATA_LAST_ERROR, "")
        .containsEntry(WorkLoop.METADATA_FAILED, "");
  }

  @Test
  void aTaskWhoseLeaseIsLostIsInterruptedAndTheNameIsLeftToItsNewHolder() throws Exception {
    AccordClient alice = track(builder("alice").ttl(Duration.ofSeconds(2)).build());
    CompletableFuture<Lease> running = new CompletableFuture<>();
    CompletableFuture<Boolean> interruptedWhileLost = new CompletableFuture<>();
    WorkLoop loop =
        alice
            .workLoop(
                1,
                lease -> {
                  running.complete(lease);
                  try {
                    new CountDownLatch(1).await();
                  } catch (InterruptedException e) {
                    interruptedWhileLost.complete(lease.isLost());
                    throw e;
                  }
                })
            .interruptOnLeaseLost(true);
    Future<WorkLoop.Progress> run = threads.submit(() -> loop.run(List.of("file-1")));
    Lease lease = running.get(30, TimeUnit.SECONDS);

    // Released under alice's feet (as an operator would) and granted to bob: her next renewal is
    // refused.
    V1Grpc.V1BlockingStub raw = V1Grpc.newBlockingStub(rawChannel());
    raw.renew(
        RenewRequest.newBuilder()
            .setOwner("alice")
            .setHandleId(ByteString.copyFrom(lease.handleId()))
            .setTtl(0)
            .build());
    Lease bobs = client("bob").acquire("file-1").lease();

    assertThat(interruptedWhileLost.get(30, TimeUnit.SECONDS)).isTrue();
    assertThat(lease.whenLost().get().reason()).isEqualTo("SUPERSEDED");
    bobs.done();
    WorkLoop.Progress progress = run.get(30, TimeUnit.SECONDS);
    assertThat(progress.done()).isZero();
    assertThat(progress.skipped()).isEqualTo(1);
    assertThat(progress.failedNames()).isEmpty();
    assertThat(progress.heldNames()).isEmpty();
  }

  private ManagedChannel rawChannel() {
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    closeAfterEach.add(0, channel::shutdownNow);
    return channel;
  }

  private Map<String, String> doneMetadata(String name) {
    Iterator<Handle> handles =
        V1Grpc.newBlockingStub(rawChannel())
            .list(
                ListRequest.newBuilder()
                    .setFilter(
                        ListRequest.Filter.newBuilder()
                            .setPrefix(ns)
                            .setStatus(ListRequest.Filter.Status.DONE))
                    .build());
    while (handles.hasNext()) {
      Handle handle = handles.next();
      if (handle.getNamespace().equals(ns) && handle.getName().equals(name)) {
        return handle.getMetadataMap();
      }
    }
    throw new AssertionError(name + " is not done");
  }
}
