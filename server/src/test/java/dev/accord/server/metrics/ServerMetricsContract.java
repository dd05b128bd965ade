package dev.accord.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.accord.api.admin.AdminGrpc;
import dev.accord.api.admin.ReleaseRequest;
import dev.accord.api.admin.StatsRequest;
import dev.accord.api.v1.AcquireRequest;
import dev.accord.api.v1.AcquireResponse;
import dev.accord.api.v1.ClaimRequest;
import dev.accord.api.v1.DoneRequest;
import dev.accord.api.v1.Handle;
import dev.accord.api.v1.RenewRequest;
import dev.accord.api.v1.Status;
import dev.accord.api.v1.V1Grpc;
import dev.accord.api.v1.WatchRequest;
import dev.accord.api.v1.WatchResponse;
import dev.accord.server.AccordServer;
import dev.accord.server.CallSecurity;
import dev.accord.server.backend.Backend;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The scrape of a server after a known sequence of calls: every count exact. Each backend runs it;
 * {@link #backendSpecific} adds what only that backend exports.
 */
abstract class ServerMetricsContract {
  static final String NS = "metrics-ns";
  static final String V1 = V1Grpc.SERVICE_NAME + "/";
  static final String ADMIN = AdminGrpc.SERVICE_NAME + "/";

  ServerMetrics metrics;
  AccordServer server;
  ManagedChannel channel;
  V1Grpc.V1BlockingStub v1;
  AdminGrpc.AdminBlockingStub admin;

  abstract Backend openBackend() throws Exception;

  /** Asserts what only this backend exports, after the sequence of {@link #theSequence}. */
  abstract void backendSpecific(Scrape scrape);

  @BeforeEach
  void start() throws Exception {
    metrics = ServerMetrics.prometheus(20, Duration.ofMillis(100));
    String name = InProcessServerBuilder.generateName();
    server =
        AccordServer.start(
            InProcessServerBuilder.forName(name),
            openBackend(),
            4,
            Duration.ofSeconds(1),
            Duration.ofSeconds(60),
            CallSecurity.OPEN,
            metrics);
    channel = InProcessChannelBuilder.forName(name).build();
    v1 = V1Grpc.newBlockingStub(channel);
    admin = AdminGrpc.newBlockingStub(channel);
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdown();
    metrics.close();
  }

  @Test
  void theSequence() {
    Handle a = acquire("a", "w1");
    assertThat(acquireStatus("a", "w2")).isEqualTo(Status.HELD);
    done(a);
    assertThat(acquireStatus("a", "w1")).isEqualTo(Status.DONE);
    Handle b1 = acquire("b", "w1");
    admin.release(ReleaseRequest.newBuilder().setNamespace(NS).addNames("b").build());
    Handle b2 = acquire("b", "w1"); // a takeover: b had a grant that ended without done
    v1.renew(RenewRequest.newBuilder().setOwner("w1").setHandleId(b2.getId()).setTtl(60).build());
    assertRefused(
        () ->
            v1.renew(
                RenewRequest.newBuilder()
                    .setOwner("w1")
                    .setHandleId(b1.getId())
                    .setTtl(60)
                    .build()));
    assertRefused(() -> done(a));
    var claim =
        v1.claim(
            ClaimRequest.newBuilder()
                .setOwner("w3")
                .setNamespace(NS)
                .addAllNames(List.of("c", "d", "a", "b"))
                .setMax(5)
                .setTtl(60)
                .build());
    assertThat(claim.getGrantedCount()).isEqualTo(2);
    admin.stats(StatsRequest.newBuilder().setNamespace(NS).build());
    watchUntilCaughtUp();

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              Scrape scrape = Scrape.of(metrics.scrape());
              assertThat(scrape.value("accord_namespace_held", "namespace", NS)).isEqualTo(3.0);
              assertThat(scrape.value("grpc_server_calls_total", "method", V1 + "Watch"))
                  .isEqualTo(1.0);
              assertThat(scrape.value("accord_watch_streams")).isEqualTo(0.0);
            });
    Scrape scrape = Scrape.of(metrics.scrape());

    assertThat(calls(scrape, V1 + "Acquire", "OK")).isEqualTo(5.0);
    assertThat(calls(scrape, V1 + "Renew", "OK")).isEqualTo(1.0);
    assertThat(calls(scrape, V1 + "Renew", "FAILED_PRECONDITION")).isEqualTo(1.0);
    assertThat(calls(scrape, V1 + "Done", "OK")).isEqualTo(1.0);
    assertThat(calls(scrape, V1 + "Done", "FAILED_PRECONDITION")).isEqualTo(1.0);
    assertThat(calls(scrape, V1 + "Claim", "OK")).isEqualTo(1.0);
    assertThat(calls(scrape, ADMIN + "Release", "OK")).isEqualTo(1.0);
    assertThat(calls(scrape, ADMIN + "Stats", "OK")).isEqualTo(1.0);
    assertThat(calls(scrape, V1 + "Watch", "CANCELLED")).isEqualTo(1.0);
    assertThat(scrape.value("grpc_server_call_duration_seconds_count", "method", V1 + "Acquire"))
        .isEqualTo(5.0);
    assertThat(
            scrape.value(
                "grpc_server_call_duration_seconds_bucket", "method", V1 + "Acquire", "le", "+Inf"))
        .isEqualTo(5.0);

    assertThat(scrape.value("accord_acquires_total", "outcome", "granted")).isEqualTo(3.0);
    assertThat(scrape.value("accord_acquires_total", "outcome", "held")).isEqualTo(1.0);
    assertThat(scrape.value("accord_acquires_total", "outcome", "done")).isEqualTo(1.0);
    assertThat(scrape.value("accord_takeovers_total")).isEqualTo(1.0);
    assertThat(scrape.value("accord_claims_total")).isEqualTo(1.0);
    assertThat(scrape.value("accord_claim_names_total", "outcome", "granted")).isEqualTo(2.0);
    assertThat(scrape.value("accord_claim_names_total", "outcome", "held")).isEqualTo(1.0);
    assertThat(scrape.value("accord_claim_names_total", "outcome", "done")).isEqualTo(1.0);
    assertThat(scrape.value("accord_renewals_total")).isEqualTo(1.0);
    assertThat(scrape.value("accord_dones_total")).isEqualTo(1.0);
    assertThat(scrape.value("accord_refusals_total", "reason", "SUPERSEDED")).isEqualTo(1.0);
    assertThat(scrape.value("accord_refusals_total", "reason", "DONE")).isEqualTo(1.0);
    assertThat(scrape.value("accord_refusals_total", "reason", "UNKNOWN_HANDLE")).isEqualTo(0.0);
    assertThat(scrape.value("accord_watch_names_sent_total")).isEqualTo(1.0);
    assertThat(scrape.value("accord_namespace_done", "namespace", NS)).isEqualTo(1.0);
    assertThat(scrape.value("accord_namespace_pending", "namespace", NS)).isEqualTo(0.0);
    assertThat(scrape.value("accord_backend_up")).isEqualTo(1.0);
    assertThat(scrape.has("accord_done_stream_lag_seconds")).isTrue();
    assertThat(scrape.has("jvm_memory_used_bytes")).isTrue();
    assertThat(scrape.has("jvm_threads_live_threads")).isTrue();
    assertThat(scrape.has("process_cpu_usage")).isTrue();
    backendSpecific(scrape);
  }

  private static double calls(Scrape scrape, String method, String status) {
    return scrape.value("grpc_server_calls_total", "method", method, "status", status);
  }

  private AcquireResponse acquireCall(String name, String owner) {
    return v1.acquire(
        AcquireRequest.newBuilder()
            .setOwner(owner)
            .setNamespace(NS)
            .setName(name)
            .setTtl(60)
            .build());
  }

  private Status acquireStatus(String name, String owner) {
    return acquireCall(name, owner).getStatus();
  }

  private Handle acquire(String name, String owner) {
    AcquireResponse response = acquireCall(name, owner);
    assertThat(response.getStatus()).isEqualTo(Status.OK);
    return response.getHandle();
  }

  private void done(Handle handle) {
    v1.done(DoneRequest.newBuilder().setOwner("w1").setHandleId(handle.getId()).build());
  }

  private static void assertRefused(Runnable call) {
    Assertions.assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e ->
                assertThat(e.getStatus().getCode())
                    .isEqualTo(io.grpc.Status.Code.FAILED_PRECONDITION));
  }

  /** Watches from the start until caught up (one name done: "a"), then cancels. */
  private void watchUntilCaughtUp() {
    try (Context.CancellableContext context = Context.current().withCancellation()) {
      context.run(
          () -> {
            Iterator<WatchResponse> responses =
                v1.watch(WatchRequest.newBuilder().setNamespace(NS).setFromStart(true).build());
            List<String> names = new java.util.ArrayList<>();
            while (true) {
              WatchResponse response = responses.next();
              names.addAll(response.getNamesList());
              if (response.getCaughtUp()) {
                break;
              }
            }
            assertThat(names).containsExactly("a");
          });
      context.cancel(null);
    }
  }
}
