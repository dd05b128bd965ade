package dev.accord.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accord.api.admin.AdminGrpc;
import dev.accord.api.admin.DeleteRequest;
import dev.accord.api.admin.ExpectRequest;
import dev.accord.api.admin.GetRequest;
import dev.accord.api.admin.NamespaceStats;
import dev.accord.api.admin.NamespacesRequest;
import dev.accord.api.admin.ReleaseRequest;
import dev.accord.api.admin.ResetRequest;
import dev.accord.api.admin.StatsRequest;
import dev.accord.server.access.AccessPolicy;
import dev.accord.server.access.TestAccessFiles;
import dev.accord.server.backend.AcquireCommand;
import dev.accord.server.backend.Backend;
import dev.accord.server.backend.DoneCommand;
import dev.accord.server.backend.Resource;
import dev.accord.server.backend.memory.MemoryBackend;
import dev.accord.server.testing.TestCallers;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Who may call each admin method, in-process with a test interceptor in place of authentication:
 * the reading methods need a rule that lets the caller read the namespace, the changing ones the
 * admin role there; anyone else is PERMISSION_DENIED and nothing changes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminAuthorizationTest {
  private static final AtomicInteger runs = new AtomicInteger();
  private Backend backend;
  private AccordServices services;
  private Server server;
  private ManagedChannel channel;
  private String own;
  private String other;

  @BeforeAll
  void start() throws Exception {
    backend = new MemoryBackend();
    AccessPolicy policy =
        TestAccessFiles.policy(
            """
            rules:
              - principals: ["worker"]
                namespaces: ["own-*"]
                role: worker
              - principals: ["group:readers"]
                namespaces: ["own-*"]
                role: reader
              - principals: ["team-admin"]
                namespaces: ["own-*"]
                role: admin
              - principals: ["admin"]
                namespaces: ["*"]
                role: admin
            """);
    String name = InProcessServerBuilder.generateName();
    services = new AccordServices(backend, 4, "admin-authz-", policy);
    server =
        services
            .addTo(InProcessServerBuilder.forName(name))
            .intercept(TestCallers.fromHeaders())
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  @AfterAll
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
    services.close();
    backend.close();
  }

  @BeforeEach
  void freshNamespaces() {
    int run = runs.incrementAndGet();
    own = "own-" + run;
    other = "other-" + run;
    finish(own, "a");
    finish(other, "a");
  }

  private void finish(String namespace, String name) {
    Resource grant =
        backend.acquire(new AcquireCommand("w", namespace, name, 60, Map.of())).resource();
    backend.done(new DoneCommand("w", grant.handleId(), Map.of()));
  }

  private AdminGrpc.AdminBlockingStub as(String caller, String... groups) {
    return AdminGrpc.newBlockingStub(channel)
        .withInterceptors(TestCallers.as(caller, groups))
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private AdminGrpc.AdminBlockingStub reader() {
    return as("reader", "readers");
  }

  @Test
  void namespacesShowsOnlyTheNamespacesTheCallerMayRead() {
    NamespacesRequest everything = NamespacesRequest.getDefaultInstance();

    assertThat(reader().namespaces(everything).getNamespacesList())
        .extracting(NamespaceStats::getNamespace)
        .contains(own)
        .doesNotContain(other);
    assertThat(as("admin").namespaces(everything).getNamespacesList())
        .extracting(NamespaceStats::getNamespace)
        .contains(own, other);
    assertThat(as("mallory").namespaces(everything).getNamespacesList()).isEmpty();
  }

  @Test
  void statsNeedsReadRightsInTheNamespace() {
    assertThat(reader().stats(StatsRequest.newBuilder().setNamespace(own).build()).getDone())
        .isEqualTo(1);
    assertThat(as("worker").stats(StatsRequest.newBuilder().setNamespace(own).build()).getDone())
        .isEqualTo(1);
    assertDenied(() -> reader().stats(StatsRequest.newBuilder().setNamespace(other).build()));
    assertDenied(() -> as("mallory").stats(StatsRequest.newBuilder().setNamespace(own).build()));
  }

  @Test
  void getNeedsReadRightsAndNeverShowsTheHandleId() {
    assertThat(
            as("admin").get(GetRequest.newBuilder().setNamespace(own).setName("a").build()).getId())
        .isEmpty();
    assertThat(
            reader().get(GetRequest.newBuilder().setNamespace(own).setName("a").build()).getName())
        .isEqualTo("a");
    assertDenied(
        () -> reader().get(GetRequest.newBuilder().setNamespace(other).setName("a").build()));
  }

  @Test
  void expectNeedsTheWorkerRoleInTheNamespace() {
    ExpectRequest expect = ExpectRequest.newBuilder().setNamespace(own).setTotal(10).build();

    as("worker").expect(expect);
    assertThat(backend.stats(own).expected()).isEqualTo(10);
    as("admin").expect(expect.toBuilder().setNamespace(other).build());
    assertThat(backend.stats(other).expected()).isEqualTo(10);
    assertDenied(() -> reader().expect(expect.toBuilder().setTotal(20).build()));
    assertDenied(() -> as("worker").expect(expect.toBuilder().setNamespace(other).build()));
    assertThat(backend.stats(own).expected()).isEqualTo(10);
  }

  @Test
  void releaseNeedsTheAdminRole() {
    Resource held = backend.acquire(new AcquireCommand("w", own, "b", 60, Map.of())).resource();
    ReleaseRequest release = ReleaseRequest.newBuilder().setNamespace(own).addNames("b").build();

    assertDenied(() -> as("worker").release(release));
    assertDenied(() -> reader().release(release));
    assertDenied(() -> as("team-admin").release(release.toBuilder().setNamespace(other).build()));
    assertThat(backend.stats(own).held()).isEqualTo(1);

    assertThat(as("team-admin").release(release).getReleasedList()).containsExactly("b");
    assertThat(
            backend
                .acquire(new AcquireCommand("w", own, "b", 60, Map.of()))
                .resource()
                .numAcquired())
        .isEqualTo(held.numAcquired() + 1);
  }

  @Test
  void resetNeedsTheAdminRole() {
    ResetRequest reset = ResetRequest.newBuilder().setNamespace(own).setAll(true).build();

    assertDenied(() -> as("worker").reset(reset));
    assertDenied(() -> reader().reset(reset));
    assertDenied(() -> as("team-admin").reset(reset.toBuilder().setNamespace(other).build()));
    assertThat(backend.stats(own).done()).isEqualTo(1);

    assertThat(as("admin").reset(reset).getReset()).isEqualTo(1);
  }

  @Test
  void deleteNeedsTheAdminRole() {
    DeleteRequest delete = DeleteRequest.newBuilder().setNamespace(own).build();

    assertDenied(() -> as("worker").delete(delete));
    assertDenied(() -> reader().delete(delete));
    assertDenied(() -> as("team-admin").delete(delete.toBuilder().setNamespace(other).build()));
    assertDenied(() -> AdminGrpc.newBlockingStub(channel).delete(delete));
    assertThat(backend.stats(own).done()).isEqualTo(1);

    assertThat(as("team-admin").delete(delete).getDeleted()).isEqualTo(1);
  }

  private static void assertDenied(ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Code.PERMISSION_DENIED));
  }
}
