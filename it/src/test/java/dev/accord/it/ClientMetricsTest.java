package dev.accord.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.accord.api.v1.RenewRequest;
import dev.accord.api.v1.V1Grpc;
import dev.accord.client.AccordClient;
import dev.accord.client.AcquireResult;
import dev.accord.client.Lease;
import dev.accord.client.WorkLoop;
import dev.accord.server.AccordServer;
import dev.accord.server.backend.postgres.PostgresBackend;
import dev.accord.server.backend.postgres.PostgresSettings;
import dev.accord.server.testing.TestPostgres;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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

/** The client's Micrometer metrics after known sequences of calls against a real server. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientMetricsTest {
  private static final String ACQUIRE = V1Grpc.getAcquireMethod().getFullMethodName();
  private static final String RENEW = V1Grpc.getRenewMethod().getFullMethodName();
  private static final String DONE = V1Grpc.getDoneMethod().getFullMethodName();
  private static final String WATCH = V1Grpc.getWatchMethod().getFullMethodName();
  private static final AtomicInteger namespaces = new AtomicInteger();

  private PostgresSettings database;
  private AccordServer server;
  private final List<AutoCloseable> closeAfterEach = new ArrayList<>();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private String ns;

  @BeforeAll
  void startServer() throws Exception {
    database = TestPostgres.newDatabase(8);
    server = startServer(0);
  }

  private AccordServer startServer(int port) throws Exception {
    return AccordServer.start(
        AccordServer.tcp(new InetSocketAddress("127.0.0.1", port)),
        PostgresBackend.open(database),
        8,
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
        "metrics-"
            + namespaces.incrementAndGet()
            + "-"
            + test.getTestMethod().orElseThrow().getName();
    registry.clear();
  }

  @AfterEach
  void closeClients() throws Exception {
    for (AutoCloseable closeable : closeAfterEach) {
      closeable.close();
    }
    closeAfterEach.clear();
  }

  private AccordClient.Builder builder(String owner, int port) {
    return AccordClient.builder()
        .target("127.0.0.1:" + port)
        .owner(owner)
        .namespace(ns)
        .callDeadline(Duration.ofSeconds(30));
  }

  private AccordClient unmetered(String owner) {
    return track(builder(owner, server.port()).build());
  }

  private AccordClient metered(String owner) {
    return track(builder(owner, server.port()).meterRegistry(registry).build());
  }

  private <T extends AutoCloseable> T track(T closeable) {
    closeAfterEach.add(0, closeable);
    return closeable;
  }

  @Test
  void countsCallsLeasesAndTheDoneCacheAfterAKnownSequence() throws Exception {
    AccordClient bob = unmetered("bob");
    for (String name : List.of("done-1", "done-2", "done-3")) {
      bob.acquire(name).lease().done();
    }
    Lease bobs = bob.acquire("bobs").lease();

    AccordClient alice = metered("alice");
    assertThat(alice.awaitCacheWarm(Duration.ofSeconds(10))).isTrue();
    assertThat(gauge("accord.client.done.cache.names")).isEqualTo(3);
    assertThat(gauge("accord.client.done.cache.warm")).isNotNaN().isGreaterThanOrEqualTo(0);

    Lease first = alice.acquire("first").lease();
    Lease second = alice.acquire("second").lease();
    assertThat(gauge("accord.client.leases.held")).isEqualTo(2);
    assertThat(alice.acquire("bobs").status()).isEqualTo(AcquireResult.Status.HELD);
    assertThat(alice.acquire("done-1").status()).isEqualTo(AcquireResult.Status.DONE); // no call
    first.done();
    second.close(); // a discard: a Renew with TTL 0
    assertThat(gauge("accord.client.leases.held")).isZero();
    await().atMost(Duration.ofSeconds(5)).until(() -> alice.isKnownDone("first"));
    assertThat(gauge("accord.client.done.cache.names")).isEqualTo(4);

    assertThat(calls(ACQUIRE, "OK")).isEqualTo(3);
    assertThat(calls(DONE, "OK")).isEqualTo(1);
    assertThat(calls(RENEW, "OK")).isEqualTo(1);
    assertThat(retries(ACQUIRE)).isZero();
    assertThat(counter("accord.client.leases.lost")).isZero();

    alice.close();
    // The Watch feeding the cache ends with the client; the client no longer counts in the gauges.
    await().atMost(Duration.ofSeconds(5)).until(() -> calls(WATCH, "CANCELLED") == 1);
    assertThat(gauge("accord.client.done.cache.names")).isZero();
    bobs.done();
  }

  @Test
  void countsALeaseLostToARefusedRenewal() throws Exception {
    AccordClient alice =
        track(
            builder("alice", server.port())
                .ttl(Duration.ofSeconds(2))
                .meterRegistry(registry)
                .build());
    Lease lease = alice.acquire("file-1").lease();

    // Released under alice's feet and granted to bob: her next renewal is refused.
    ManagedChannel raw =
        ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    try {
      V1Grpc.newBlockingStub(raw)
          .renew(
              RenewRequest.newBuilder()
                  .setOwner("alice")
                  .setHandleId(ByteString.copyFrom(lease.handleId()))
                  .setTtl(0)
                  .build());
    } finally {
      raw.shutdownNow();
    }
    Lease bobs = unmetered("bob").acquire("file-1").lease();

    await().atMost(Duration.ofSeconds(10)).until(lease::isLost);
    assertThat(counter("accord.client.leases.lost")).isEqualTo(1);
    assertThat(calls(RENEW, "FAILED_PRECONDITION")).isEqualTo(1);
    assertThat(gauge("accord.client.leases.held")).isZero();
    bobs.done();
  }

  @Test
  void countsTheRetriesOfACallMadeWhileTheServerRestarts() throws Exception {
    AccordServer own = startServer(0);
    int port = own.port();
    AccordClient alice =
        track(builder("alice", port).doneCache(false).meterRegistry(registry).build());
    alice.acquire("warm-up").lease().done();
    own.shutdown();

    CompletableFuture<AcquireResult> pending =
        CompletableFuture.supplyAsync(() -> alice.acquire("file-1"));
    await().atMost(Duration.ofSeconds(10)).until(() -> retries(ACQUIRE) >= 1);
    AccordServer restarted = startServer(port);
    try {
      AcquireResult result = pending.get(30, TimeUnit.SECONDS);
      assertThat(result.isAcquired()).isTrue();
      result.lease().done();
    } finally {
      restarted.shutdown();
    }
    // Every attempt that failed was repeated, and the last one got through.
    double failedAttempts = calls(ACQUIRE, "UNAVAILABLE") + calls(ACQUIRE, "UNKNOWN");
    assertThat(failedAttempts).isPositive();
    assertThat(retries(ACQUIRE)).isEqualTo(failedAttempts);
    assertThat(calls(ACQUIRE, "OK")).isEqualTo(2);
  }

  @Test
  void countsTheRetriedRenewalsOfALeaseThatRanOutWhileTheServerWasDown() throws Exception {
    AccordServer own = startServer(0);
    AccordClient alice =
        track(
            builder("alice", own.port())
                .ttl(Duration.ofSeconds(2))
                .doneCache(false)
                .meterRegistry(registry)
                .build());
    Lease lease = alice.acquire("file-1").lease();
    own.shutdown();

    await().atMost(Duration.ofSeconds(10)).until(lease::isLost);
    assertThat(lease.whenLost().get().reason()).isEqualTo("EXPIRED");
    assertThat(counter("accord.client.leases.lost")).isEqualTo(1);
    // Every failed renewal but the first was a retry of the one before.
    double failedRenewals =
        registry.find("accord.client.calls").tag("method", RENEW).counters().stream()
            .filter(c -> !c.getId().getTag("status").equals("OK"))
            .mapToDouble(Counter::count)
            .sum();
    assertThat(failedRenewals).isGreaterThanOrEqualTo(2);
    assertThat(retries(RENEW)).isEqualTo(failedRenewals - 1);
  }

  @Test
  void countsWhatAWorkLoopDidWithEachName() throws Exception {
    AccordClient bob = unmetered("bob");
    bob.acquire("file-00").lease().done();
    bob.acquire("file-01").lease().done();
    bob.acquire("file-02").lease().done();
    Lease held1 = bob.acquire("file-03").lease();
    Lease held2 = bob.acquire("file-04").lease();
    AccordClient alice = metered("alice");
    assertThat(alice.awaitCacheWarm(Duration.ofSeconds(10))).isTrue();

    WorkLoop.Progress progress =
        alice
            .workLoop(
                4,
                lease -> {
                  if (lease.name().equals("file-05")) {
                    throw new IllegalStateException("the task fails on this one");
                  }
                })
            .maxAttempts(1)
            .revisitHeld(false)
            .run(IntStream.range(0, 20).mapToObj(i -> String.format("file-%02d", i)));

    assertThat(progress.done()).isEqualTo(14);
    assertThat(workItems("done")).isEqualTo(14);
    assertThat(workItems("failed")).isEqualTo(1);
    assertThat(workItems("held")).isEqualTo(2);
    assertThat(workItems("skipped")).isEqualTo(3);
    held1.done();
    held2.done();
  }

  @Test
  void exportsThePrometheusNamesTheReadmeGives() throws Exception {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    AccordClient alice = track(builder("alice", server.port()).meterRegistry(prometheus).build());
    assertThat(alice.awaitCacheWarm(Duration.ofSeconds(10))).isTrue();
    alice.acquire("file-1").lease().done();
    alice.workLoop(1, lease -> {}).run(List.of("file-1", "file-2"));

    String scrape = prometheus.scrape();
    assertThat(scrape)
        .contains("accord_client_calls_total{method=\"" + ACQUIRE + "\",status=\"OK\"} 1.0")
        .contains("accord_client_retries_total{method=\"" + ACQUIRE + "\"} 0.0")
        .contains("accord_client_leases_held 0.0")
        .contains("accord_client_leases_lost_total 0.0")
        .contains("accord_client_done_cache_names 2.0")
        .contains("accord_client_done_cache_warm_seconds ")
        .contains("accord_client_work_loop_items_total{outcome=\"done\"} 1.0")
        .contains("accord_client_work_loop_items_total{outcome=\"skipped\"} 1.0");
  }

  private double calls(String method, String status) {
    Counter counter =
        registry.find("accord.client.calls").tag("method", method).tag("status", status).counter();
    return counter == null ? 0 : counter.count();
  }

  private double retries(String method) {
    Counter counter = registry.find("accord.client.retries").tag("method", method).counter();
    return counter == null ? 0 : counter.count();
  }

  private double workItems(String outcome) {
    return registry.get("accord.client.work.loop.items").tag("outcome", outcome).counter().count();
  }

  private double counter(String name) {
    return registry.get(name).counter().count();
  }

  private double gauge(String name) {
    return registry.get(name).gauge().value();
  }
}
