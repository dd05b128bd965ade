package dev.accord.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import dev.accord.api.ErrorReasons;
import dev.accord.api.admin.AdminGrpc;
import dev.accord.api.admin.DeleteRequest;
import dev.accord.api.admin.ExpectRequest;
import dev.accord.api.admin.GetRequest;
import dev.accord.api.admin.NamespaceStats;
import dev.accord.api.admin.NamespacesRequest;
import dev.accord.api.admin.ReleaseRequest;
import dev.accord.api.admin.ResetRequest;
import dev.accord.api.admin.StatsRequest;
import dev.accord.api.v1.AcquireRequest;
import dev.accord.api.v1.AcquireResponse;
import dev.accord.api.v1.DoneRequest;
import dev.accord.api.v1.Handle;
import dev.accord.api.v1.ListRequest;
import dev.accord.api.v1.RenewRequest;
import dev.accord.api.v1.Status;
import dev.accord.api.v1.V1Grpc;
import dev.accord.api.v1.WatchRequest;
import dev.accord.api.v1.WatchResponse;
import dev.accord.server.backend.postgres.PostgresBackend;
import dev.accord.server.testing.TestPostgres;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The admin service and the V1 additions of the operations work (List's exact namespace and HELD /
 * AVAILABLE, Watch's removals) as a client sees them, in-process over PostgreSQL, authentication
 * off.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminServiceTest {
  private static final AtomicInteger namespaces = new AtomicInteger();
  private PostgresBackend postgres;
  private AccordServices services;
  private Server server;
  private ManagedChannel channel;
  private V1Grpc.V1BlockingStub v1;
  private AdminGrpc.AdminBlockingStub admin;
  private String ns;

  @BeforeAll
  void start() throws Exception {
    postgres = PostgresBackend.open(TestPostgres.newDatabase(8));
    String name = InProcessServerBuilder.generateName();
    services = new AccordServices(postgres, 4, "admin-test-");
    server = services.addTo(InProcessServerBuilder.forName(name)).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
    v1 = V1Grpc.newBlockingStub(channel);
    admin = AdminGrpc.newBlockingStub(channel);
  }

  @AfterAll
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
    services.close();
    postgres.close();
  }

  @BeforeEach
  void freshNamespace() {
    ns = "ops-" + namespaces.incrementAndGet();
  }

  private Handle grant(String namespace, String name) {
    AcquireResponse response =
        v1.acquire(
            AcquireRequest.newBuilder()
                .setOwner("worker")
                .setNamespace(namespace)
                .setName(name)
                .setTtl(60)
                .build());
    assertThat(response.getStatus()).isEqualTo(Status.OK);
    return response.getHandle();
  }

  private Handle finish(String namespace, String name) {
    Handle handle = grant(namespace, name);
    v1.done(DoneRequest.newBuilder().setOwner("worker").setHandleId(handle.getId()).build());
    return handle;
  }

  private List<String> list(ListRequest.Filter.Builder filter) {
    List<String> names = new ArrayList<>();
    v1.list(ListRequest.newBuilder().setFilter(filter).build())
        .forEachRemaining(h -> names.add(h.getNamespace() + "/" + h.getName()));
    return names;
  }

  @Test
  void statsAndNamespacesCountWhatIsDoneHeldAndPending() {
    finish(ns, "a");
    finish(ns, "b");
    grant(ns, "c");
    grant(ns + "0", "x");

    NamespaceStats stats = admin.stats(StatsRequest.newBuilder().setNamespace(ns).build());

    assertThat(List.of(stats.getDone(), stats.getHeld(), stats.getPending()))
        .containsExactly(2L, 1L, 0L);
    assertThat(stats.getLatestDoneTms()).isPositive();
    assertThat(stats.getOldestPendingTms()).isZero();
    assertThat(
            admin
                .namespaces(NamespacesRequest.newBuilder().setPrefix(ns).build())
                .getNamespacesList())
        .extracting(NamespaceStats::getNamespace)
        .containsExactly(ns, ns + "0");
  }

  @Test
  void expectDeclaresTheTotalThatStatsShowsAndZeroClearsIt() {
    finish(ns, "a");
    StatsRequest stats = StatsRequest.newBuilder().setNamespace(ns).build();

    admin.expect(ExpectRequest.newBuilder().setNamespace(ns).setTotal(500).build());
    assertThat(admin.stats(stats).getExpected()).isEqualTo(500);
    assertThat(admin.stats(stats).getDone()).isEqualTo(1);

    admin.expect(ExpectRequest.newBuilder().setNamespace(ns).build());
    assertThat(admin.stats(stats).getExpected()).isZero();

    assertInvalid(
        () ->
            admin.expect(
                ExpectRequest.newBuilder().setNamespace("x".repeat(101)).setTotal(5).build()),
        "namespace");
    assertInvalid(
        () -> admin.expect(ExpectRequest.newBuilder().setNamespace(ns).setTotal(-1).build()),
        "total");
    assertThat(admin.stats(stats).getExpected()).isZero();
  }

  @Test
  void getShowsOneResourceWithoutItsHandleIdOrNotFound() {
    Handle granted = grant(ns, "a");

    Handle got = admin.get(GetRequest.newBuilder().setNamespace(ns).setName("a").build());

    assertThat(got.getId()).isEmpty();
    assertThat(got.getNumAcquired()).isEqualTo(granted.getNumAcquired());
    assertThat(got.getExpTms()).isEqualTo(granted.getExpTms());
    assertThatThrownBy(
            () -> admin.get(GetRequest.newBuilder().setNamespace(ns).setName("b").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Code.NOT_FOUND));
  }

  @Test
  void releaseLetsTheNextAcquireInWithTheNextTokenAndTheOldHandleIsSuperseded() {
    Handle stuck = grant(ns, "a");

    assertThat(
            admin
                .release(
                    ReleaseRequest.newBuilder()
                        .setNamespace(ns)
                        .addNames("a")
                        .addNames("b")
                        .build())
                .getReleasedList())
        .containsExactly("a");

    assertThat(grant(ns, "a").getNumAcquired()).isEqualTo(stuck.getNumAcquired() + 1);
    assertRefused(
        () ->
            v1.renew(
                RenewRequest.newBuilder()
                    .setOwner("worker")
                    .setHandleId(stuck.getId())
                    .setTtl(60)
                    .build()),
        ErrorReasons.SUPERSEDED);
  }

  @Test
  void resetAndDeleteReachWatchersAsRemovedAndRemovedAll() {
    Iterator<WatchResponse> watch =
        v1.withDeadlineAfter(30, TimeUnit.SECONDS)
            .watch(WatchRequest.newBuilder().setNamespace(ns).build());
    watch.next(); // the starting bookmark: the stream is at the present
    finish(ns, "a");
    assertThat(nextChange(watch).getNamesList()).containsExactly("a");

    assertThat(
            admin
                .reset(ResetRequest.newBuilder().setNamespace(ns).addNames("a").build())
                .getReset())
        .isEqualTo(1);
    assertThat(nextChange(watch).getRemovedList()).containsExactly("a");

    Handle again = finish(ns, "a");
    assertThat(nextChange(watch).getNamesList()).containsExactly("a");
    assertThat(admin.delete(DeleteRequest.newBuilder().setNamespace(ns).build()).getDeleted())
        .isEqualTo(1);
    assertThat(nextChange(watch).getRemovedAll()).isTrue();
    assertThat(grant(ns, "a").getNumAcquired()).isGreaterThan(again.getNumAcquired());
  }

  @Test
  void aWatchFromTheStartSendsTheDoneNamesWithoutReplayingEarlierRemovals() {
    finish(ns, "a");
    finish(ns, "b");
    admin.reset(ResetRequest.newBuilder().setNamespace(ns).setAll(true).build());
    finish(ns, "c");

    Iterator<WatchResponse> watch =
        v1.withDeadlineAfter(30, TimeUnit.SECONDS)
            .watch(WatchRequest.newBuilder().setNamespace(ns).setFromStart(true).build());
    List<WatchResponse> catchingUp = new ArrayList<>();
    do {
      catchingUp.add(watch.next());
    } while (!catchingUp.get(catchingUp.size() - 1).getCaughtUp());

    assertThat(catchingUp).flatExtracting(WatchResponse::getNamesList).containsExactly("c");
    assertThat(catchingUp).flatExtracting(WatchResponse::getRemovedList).isEmpty();
    assertThat(catchingUp).extracting(WatchResponse::getRemovedAll).containsOnly(false);
  }

  private static WatchResponse nextChange(Iterator<WatchResponse> watch) {
    while (true) {
      WatchResponse response = watch.next();
      if (response.getNamesCount() > 0
          || response.getRemovedCount() > 0
          || response.getRemovedAll()) {
        return response;
      }
    }
  }

  @Test
  void aWatchCursorOlderThanTheRemovalsKeptIsRefusedAsCursorExpired() {
    Iterator<WatchResponse> watch =
        v1.withDeadlineAfter(30, TimeUnit.SECONDS)
            .watch(WatchRequest.newBuilder().setNamespace(ns).build());
    ByteString old = watch.next().getCursor();
    finish(ns, "a");
    admin.reset(ResetRequest.newBuilder().setNamespace(ns).setAll(true).build());
    postgres.pruneRemovals(System.currentTimeMillis() + 60_000, 1_000_000);

    assertRefused(
        () ->
            v1.withDeadlineAfter(30, TimeUnit.SECONDS)
                .watch(WatchRequest.newBuilder().setNamespace(ns).setCursor(old).build())
                .next(),
        ErrorReasons.CURSOR_EXPIRED);
  }

  @Test
  void listTakesAnExactNamespaceAndTheHeldAndAvailableStates() {
    finish(ns, "done");
    grant(ns, "held");
    Handle released = grant(ns, "released");
    v1.renew(
        RenewRequest.newBuilder()
            .setOwner("worker")
            .setHandleId(released.getId())
            .setTtl(0)
            .build());
    grant(ns + "0", "elsewhere");

    assertThat(list(ListRequest.Filter.newBuilder().setNamespace(ns)))
        .containsExactlyInAnyOrder(ns + "/done", ns + "/held", ns + "/released");
    assertThat(list(ListRequest.Filter.newBuilder().setPrefix(ns))).contains(ns + "0/elsewhere");
    assertThat(
            list(
                ListRequest.Filter.newBuilder()
                    .setNamespace(ns)
                    .setStatus(ListRequest.Filter.Status.HELD)))
        .containsExactly(ns + "/held");
    assertThat(
            list(
                ListRequest.Filter.newBuilder()
                    .setNamespace(ns)
                    .setStatus(ListRequest.Filter.Status.AVAILABLE)))
        .containsExactly(ns + "/released");
    assertThat(
            list(
                ListRequest.Filter.newBuilder()
                    .setNamespace(ns)
                    .setStatus(ListRequest.Filter.Status.PENDING)))
        .containsExactlyInAnyOrder(ns + "/held", ns + "/released");
    assertInvalid(
        () -> list(ListRequest.Filter.newBuilder().setNamespace(ns).setPrefix(ns)),
        "filter.namespace");
  }

  @Test
  void badInputIsInvalidArgumentNamingTheFieldAndWritesNothing() {
    finish(ns, "a");
    String tooLong = "x".repeat(101);

    assertInvalid(
        () -> admin.namespaces(NamespacesRequest.newBuilder().setPrefix(tooLong).build()),
        "prefix");
    assertInvalid(
        () -> admin.stats(StatsRequest.newBuilder().setNamespace(tooLong).build()), "namespace");
    assertInvalid(() -> admin.get(GetRequest.newBuilder().setNamespace(ns).build()), "name");
    assertInvalid(
        () -> admin.release(ReleaseRequest.newBuilder().setNamespace(ns).build()), "names");
    assertInvalid(() -> admin.reset(ResetRequest.newBuilder().setNamespace(ns).build()), "names");
    assertInvalid(
        () ->
            admin.reset(
                ResetRequest.newBuilder().setNamespace(ns).addNames("a").setAll(true).build()),
        "names");
    assertInvalid(
        () ->
            admin.delete(DeleteRequest.newBuilder().setNamespace(ns).setDoneBeforeTms(-1).build()),
        "done_before_tms");

    assertThat(admin.stats(StatsRequest.newBuilder().setNamespace(ns).build()).getDone())
        .isEqualTo(1);
  }

  private static void assertInvalid(ThrowingCallable call, String field) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).startsWith(field + ": ");
              assertThat(detail(e, BadRequest.class).getFieldViolations(0).getField())
                  .isEqualTo(field);
            });
  }

  private static void assertRefused(ThrowingCallable call, String reason) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Code.FAILED_PRECONDITION);
              assertThat(detail(e, ErrorInfo.class).getReason()).isEqualTo(reason);
            });
  }

  private static <T extends com.google.protobuf.Message> T detail(
      StatusRuntimeException e, Class<T> type) {
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    assertThat(status).as("rich status of %s", e).isNotNull();
    for (com.google.protobuf.Any any : status.getDetailsList()) {
      if (any.is(type)) {
        try {
          return any.unpack(type);
        } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
          throw new AssertionError(ex);
        }
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " in " + status);
  }
}
