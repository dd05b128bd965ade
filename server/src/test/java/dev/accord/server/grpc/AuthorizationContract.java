package dev.accord.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import com.google.rpc.ErrorInfo;
import dev.accord.api.ErrorReasons;
import dev.accord.api.v1.AcquireRequest;
import dev.accord.api.v1.AcquireResponse;
import dev.accord.api.v1.ClaimRequest;
import dev.accord.api.v1.DoneRequest;
import dev.accord.api.v1.Handle;
import dev.accord.api.v1.ListRequest;
import dev.accord.api.v1.RenewRequest;
import dev.accord.api.v1.Status;
import dev.accord.api.v1.V1Grpc;
import dev.accord.api.v1.WatchRequest;
import dev.accord.api.v1.WatchResponse;
import dev.accord.server.access.AccessPolicy;
import dev.accord.server.access.TestAccessFiles;
import dev.accord.server.backend.Backend;
import dev.accord.server.testing.TestCallers;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * Authorization as a client sees it, through the V1 service in-process, with a test interceptor in
 * place of authentication: each role against each method in its own and in another namespace, the
 * holder check, and what List, Watch and HELD/DONE answers reveal. Each backend runs these through
 * a subclass.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AuthorizationContract {
  private static final AtomicInteger runs = new AtomicInteger();

  private Backend backend;
  private AccordServices services;
  private Server server;
  private ManagedChannel channel;

  /** This test's namespaces: the team's own, another team's. */
  private String own;

  private String other;

  protected abstract Backend openBackend();

  @BeforeAll
  void start() throws Exception {
    backend = openBackend();
    AccessPolicy policy =
        TestAccessFiles.policy(
            """
            rules:
              - principals: ["worker", "worker-2"]
                namespaces: ["own-*"]
                role: worker
              - principals: ["group:readers"]
                namespaces: ["own-*"]
                role: reader
              - principals: ["admin"]
                namespaces: ["*"]
                role: admin
              - principals: ["other-worker"]
                namespaces: ["other-*"]
                role: worker
            """);
    String name = InProcessServerBuilder.generateName();
    services = new AccordServices(backend, 4, "authz-", policy);
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
  }

  private V1Grpc.V1BlockingStub as(String caller, String... groups) {
    return V1Grpc.newBlockingStub(channel)
        .withInterceptors(TestCallers.as(caller, groups))
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private V1Grpc.V1BlockingStub worker() {
    return as("worker");
  }

  private V1Grpc.V1BlockingStub reader() {
    return as("reader", "readers");
  }

  private V1Grpc.V1BlockingStub admin() {
    return as("admin");
  }

  private V1Grpc.V1BlockingStub stranger() {
    return as("mallory", "nobody");
  }

  private V1Grpc.V1BlockingStub otherWorker() {
    return as("other-worker");
  }

  private static AcquireRequest acquire(String namespace, String name, String owner) {
    return AcquireRequest.newBuilder()
        .setNamespace(namespace)
        .setName(name)
        .setOwner(owner)
        .setTtl(60)
        .build();
  }

  private static Handle granted(V1Grpc.V1BlockingStub stub, String namespace, String name) {
    AcquireResponse response = stub.acquire(acquire(namespace, name, "owner"));
    assertThat(response.getStatus()).isEqualTo(Status.OK);
    return response.getHandle();
  }

  private static List<Handle> list(V1Grpc.V1BlockingStub stub, String prefix) {
    List<Handle> handles = new ArrayList<>();
    stub.list(
            ListRequest.newBuilder()
                .setFilter(ListRequest.Filter.newBuilder().setPrefix(prefix))
                .build())
        .forEachRemaining(handles::add);
    return handles;
  }

  /** The first answer of a Watch from the start, the stream then cancelled. */
  private static WatchResponse firstWatchAnswer(V1Grpc.V1BlockingStub stub, String namespace) {
    Context.CancellableContext context = Context.current().withCancellation();
    try {
      return context.call(
          () -> {
            Iterator<WatchResponse> answers =
                stub.watch(
                    WatchRequest.newBuilder().setNamespace(namespace).setFromStart(true).build());
            return answers.next();
          });
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new AssertionError(e);
    } finally {
      context.cancel(null);
    }
  }

  private static void assertDenied(Runnable call, String... messageParts) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Code.PERMISSION_DENIED);
              for (String part : messageParts) {
                assertThat(e.getStatus().getDescription()).contains(part);
              }
            });
  }

  private static void assertNotHolder(Runnable call) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Code.PERMISSION_DENIED);
              assertThat(errorReason(e)).isEqualTo(ErrorReasons.NOT_HOLDER);
            });
  }

  private static String errorReason(StatusRuntimeException e) {
    try {
      return StatusProto.fromThrowable(e).getDetails(0).unpack(ErrorInfo.class).getReason();
    } catch (Exception notThere) {
      throw new AssertionError("no ErrorInfo in " + e, notThere);
    }
  }

  /** One method as one caller in one namespace: run, or assert the refusal, and check effects. */
  private record Case(String name, Runnable run) {}

  /** Each role × each method × its own namespace and another. */
  @TestFactory
  Stream<DynamicTest> eachRoleMayCallEachMethodOnlyWhereItsRulesSay() {
    List<Case> cases = new ArrayList<>();
    record Role(String name, V1Grpc.V1BlockingStub stub, boolean writesOwn, boolean readsOwn) {}
    List<Role> roles =
        List.of(
            new Role("worker", worker(), true, true),
            new Role("reader", reader(), false, true),
            new Role("admin", admin(), true, true),
            new Role("stranger", stranger(), false, false));
    for (Role role : roles) {
      boolean admin = role.name().equals("admin");
      for (boolean inOwn : new boolean[] {true, false}) {
        String where = inOwn ? "own" : "other";
        boolean writes = inOwn ? role.writesOwn() : admin;
        boolean reads = inOwn ? role.readsOwn() : admin;
        String label = role.name() + " in " + where + " namespace: ";
        String tag = role.name() + "-" + where;
        V1Grpc.V1BlockingStub stub = role.stub();
        cases.add(
            new Case(
                label + "Acquire",
                () -> {
                  String namespace = inOwn ? own : other;
                  if (writes) {
                    granted(stub, namespace, "acquired-by-" + tag);
                  } else {
                    assertDenied(
                        () -> stub.acquire(acquire(namespace, "acquired-by-" + tag, "o")),
                        namespace,
                        "worker");
                    assertThat(list(admin(), namespace))
                        .as("nothing written")
                        .extracting(Handle::getName)
                        .doesNotContain("acquired-by-" + tag);
                  }
                }));
        cases.add(
            new Case(
                label + "Claim",
                () -> {
                  String namespace = inOwn ? own : other;
                  ClaimRequest claim =
                      ClaimRequest.newBuilder()
                          .setNamespace(namespace)
                          .setOwner("o")
                          .addNames("claimed-by-" + tag)
                          .setMax(1)
                          .setTtl(60)
                          .build();
                  if (writes) {
                    assertThat(stub.claim(claim).getGrantedCount()).isEqualTo(1);
                  } else {
                    assertDenied(() -> stub.claim(claim), namespace, "worker");
                    assertThat(list(admin(), namespace))
                        .as("nothing written")
                        .extracting(Handle::getName)
                        .doesNotContain("claimed-by-" + tag);
                  }
                }));
        for (String method : List.of("Renew", "Done")) {
          cases.add(
              new Case(
                  label + method,
                  () -> {
                    String namespace = inOwn ? own : other;
                    // A caller that may write there uses its own grant; any other can only try
                    // someone else's, with the right owner string.
                    Handle grant =
                        writes
                            ? granted(stub, namespace, method + "-by-" + tag)
                            : granted(
                                inOwn ? worker() : otherWorker(),
                                namespace,
                                method + "-for-" + tag);
                    Runnable call =
                        method.equals("Renew")
                            ? () ->
                                stub.renew(
                                    RenewRequest.newBuilder()
                                        .setHandleId(grant.getId())
                                        .setOwner("owner")
                                        .setTtl(60)
                                        .build())
                            : () ->
                                stub.done(
                                    DoneRequest.newBuilder()
                                        .setHandleId(grant.getId())
                                        .setOwner("owner")
                                        .build());
                    if (writes) {
                      call.run();
                    } else {
                      assertNotHolder(call);
                      assertThat(
                              admin().acquire(acquire(namespace, grant.getName(), "x")).getStatus())
                          .as("still held, not done")
                          .isEqualTo(Status.HELD);
                    }
                  }));
        }
        cases.add(
            new Case(
                label + "List",
                () -> {
                  String namespace = inOwn ? own : other;
                  String name = "listed-" + tag;
                  granted(inOwn ? worker() : otherWorker(), namespace, name);
                  List<String> listed =
                      list(stub, namespace).stream().map(Handle::getName).toList();
                  List<Handle> everything = list(stub, "");
                  if (reads) {
                    assertThat(listed).contains(name);
                    assertThat(everything).extracting(Handle::getName).contains(name);
                  } else {
                    assertThat(listed).isEmpty();
                  }
                  assertThat(everything)
                      .extracting(Handle::getNamespace)
                      .as("an empty prefix reaches no further than the rules")
                      .allMatch(ns -> admin || (role.readsOwn() && ns.startsWith("own-")));
                }));
        cases.add(
            new Case(
                label + "Watch",
                () -> {
                  String namespace = inOwn ? own : other;
                  if (reads) {
                    assertThat(firstWatchAnswer(stub, namespace).getCaughtUp()).isTrue();
                  } else {
                    assertDenied(() -> firstWatchAnswer(stub, namespace), namespace, "reader");
                  }
                }));
      }
    }
    return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), c.run()::run));
  }

  @Test
  void anotherIdentityCannotRenewOrCompleteAGrantEvenWithItsOwnerStringAndHandle() {
    AcquireResponse alice = worker().acquire(acquire(own, "file-1", "alice"));
    ByteString id = alice.getHandle().getId();

    assertNotHolder(
        () ->
            as("worker-2")
                .renew(
                    RenewRequest.newBuilder()
                        .setHandleId(id)
                        .setOwner("alice")
                        .setTtl(60)
                        .build()));
    assertNotHolder(
        () ->
            as("worker-2")
                .done(DoneRequest.newBuilder().setHandleId(id).setOwner("alice").build()));
    assertThat(admin().acquire(acquire(own, "file-1", "x")).getStatus()).isEqualTo(Status.HELD);

    worker().done(DoneRequest.newBuilder().setHandleId(id).setOwner("alice").build());
    assertThat(admin().acquire(acquire(own, "file-1", "x")).getStatus()).isEqualTo(Status.DONE);
  }

  @Test
  void listShowsAHandleIdOnlyToTheCallerHoldingThatGrant() {
    Handle mine = granted(worker(), own, "mine");
    Handle theirs = granted(as("worker-2"), own, "theirs");

    assertThat(list(worker(), own))
        .allSatisfy(
            row ->
                assertThat(row.getId())
                    .isEqualTo(row.getName().equals("mine") ? mine.getId() : ByteString.EMPTY));
    assertThat(list(as("worker-2"), own))
        .allSatisfy(
            row ->
                assertThat(row.getId())
                    .isEqualTo(row.getName().equals("theirs") ? theirs.getId() : ByteString.EMPTY));
    assertThat(list(reader(), own)).hasSize(2).allMatch(row -> row.getId().isEmpty());
    assertThat(list(admin(), own)).hasSize(2).allMatch(row -> row.getId().isEmpty());
  }

  @Test
  void heldAndDoneAnswersNeverCarryAHandleId() {
    Handle grant = granted(worker(), own, "file-1");

    AcquireResponse held = as("worker-2").acquire(acquire(own, "file-1", "owner"));
    AcquireResponse heldByHolder = worker().acquire(acquire(own, "file-1", "owner"));
    worker().done(DoneRequest.newBuilder().setHandleId(grant.getId()).setOwner("owner").build());
    AcquireResponse done = as("worker-2").acquire(acquire(own, "file-1", "owner"));

    assertThat(held.getStatus()).isEqualTo(Status.HELD);
    assertThat(heldByHolder.getStatus()).isEqualTo(Status.HELD);
    assertThat(done.getStatus()).isEqualTo(Status.DONE);
    for (AcquireResponse answer : List.of(held, heldByHolder, done)) {
      assertThat(answer.getHandle().getId()).isEmpty();
    }
  }

  @Test
  void aCallerWithoutRightsLearnsNothingOfAResourceThatExists() {
    Handle grant = granted(worker(), own, "secret");
    worker().done(DoneRequest.newBuilder().setHandleId(grant.getId()).setOwner("owner").build());

    assertDenied(() -> otherWorker().acquire(acquire(own, "secret", "x")), own, "worker");
    assertDenied(
        () ->
            otherWorker()
                .claim(
                    ClaimRequest.newBuilder()
                        .setNamespace(own)
                        .setOwner("x")
                        .addNames("secret")
                        .setMax(1)
                        .setTtl(60)
                        .build()),
        own);
    assertThat(list(otherWorker(), own)).isEmpty();
  }

  @Test
  void watchDeliversDoneMarksOnlyToCallersWhoMayReadTheNamespace() {
    Handle grant = granted(worker(), own, "watched");
    worker().done(DoneRequest.newBuilder().setHandleId(grant.getId()).setOwner("owner").build());

    List<String> seen = new ArrayList<>();
    Consumer<WatchResponse> collect = answer -> seen.addAll(answer.getNamesList());
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              seen.clear();
              collect.accept(firstWatchAnswer(reader(), own));
              return seen.contains("watched");
            });
    assertDenied(() -> firstWatchAnswer(otherWorker(), own), own, "reader");
  }

  @Test
  void aCallWithoutAnAuthenticatedCallerIsRefused() {
    V1Grpc.V1BlockingStub anonymous = V1Grpc.newBlockingStub(channel);

    assertDenied(() -> anonymous.acquire(acquire(own, "file-1", "x")), "no authenticated caller");
    assertThat(list(anonymous, "")).isEmpty();
  }
}
