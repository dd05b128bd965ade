package dev.accord.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import dev.accord.api.v1.AcquireRequest;
import dev.accord.api.v1.AcquireResponse;
import dev.accord.api.v1.ClaimRequest;
import dev.accord.api.v1.ClaimResponse;
import dev.accord.api.v1.DoneRequest;
import dev.accord.api.v1.Handle;
import dev.accord.api.v1.ListRequest;
import dev.accord.api.v1.RenewRequest;
import dev.accord.api.v1.Status;
import dev.accord.api.v1.V1Grpc;
import dev.accord.api.v1.WatchRequest;
import dev.accord.api.v1.WatchResponse;
import dev.accord.server.backend.AcquireAnswer;
import dev.accord.server.backend.AcquireCommand;
import dev.accord.server.backend.BackendUnavailableException;
import dev.accord.server.backend.ListQuery;
import dev.accord.server.backend.Resource;
import dev.accord.server.backend.postgres.PostgresBackend;
import dev.accord.server.testing.ForwardingBackend;
import dev.accord.server.testing.TestPostgres;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
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
 * The V1 service as a client sees it, on PostgreSQL, through an in-process channel: status codes,
 * error details, validation that writes nothing, and List's flow control.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccordV1ServiceTest {
  private static final AtomicInteger namespaces = new AtomicInteger();
  private PostgresBackend postgres;
  private final CountingBackend backend = new CountingBackend();
  private AccordServices services;
  private Server server;
  private ManagedChannel channel;
  private V1Grpc.V1BlockingStub stub;
  private String ns;

  @BeforeAll
  void start() throws Exception {
    postgres = PostgresBackend.open(TestPostgres.newDatabase(8));
    backend.setDelegate(postgres);
    String name = InProcessServerBuilder.generateName();
    services = new AccordServices(backend, 8, "test-");
    server = services.addTo(InProcessServerBuilder.forName(name)).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
    stub = V1Grpc.newBlockingStub(channel);
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
    ns = "svc-" + namespaces.incrementAndGet();
    backend.setDelegate(postgres);
  }

  private AcquireRequest.Builder acquireRequest(String owner, String name) {
    return AcquireRequest.newBuilder().setOwner(owner).setNamespace(ns).setName(name).setTtl(60);
  }

  private Handle grant(String owner, String name) {
    AcquireResponse response = stub.acquire(acquireRequest(owner, name).build());
    assertThat(response.getStatus()).isEqualTo(Status.OK);
    return response.getHandle();
  }

  private List<Handle> list(String prefix) {
    List<Handle> handles = new ArrayList<>();
    stub.list(
            ListRequest.newBuilder()
                .setFilter(ListRequest.Filter.newBuilder().setPrefix(prefix))
                .build())
        .forEachRemaining(handles::add);
    return handles;
  }

  @Test
  void acquireReturnsAHandleWithA16ByteIdAndTheFencingToken() {
    Handle handle = grant("alice", "file-1");

    assertThat(handle.getId().size()).isEqualTo(16);
    assertThat(handle.getNumAcquired()).isEqualTo(1);
    assertThat(handle.getName()).isEqualTo("file-1");
    assertThat(handle.getNamespace()).isEqualTo(ns);
    assertThat(handle.getDoneTms()).isZero();
  }

  @Test
  void heldAndDoneAnswersShowTheResourceButNotItsHandleId() {
    Handle handle = grant("alice", "file-1");

    AcquireResponse held = stub.acquire(acquireRequest("bob", "file-1").build());
    stub.done(DoneRequest.newBuilder().setOwner("alice").setHandleId(handle.getId()).build());
    AcquireResponse done = stub.acquire(acquireRequest("bob", "file-1").build());

    assertThat(held.getStatus()).isEqualTo(Status.HELD);
    assertThat(held.getHandle().getId()).isEqualTo(ByteString.EMPTY);
    assertThat(held.getHandle().getExpTms()).isEqualTo(handle.getExpTms());
    assertThat(done.getStatus()).isEqualTo(Status.DONE);
    assertThat(done.getHandle().getId()).isEqualTo(ByteString.EMPTY);
    assertThat(done.getHandle().getDoneTms()).isPositive();
  }

  @Test
  void refusedHandlesAreFailedPreconditionWithAReasonAndAMessageSayingWhich() {
    Handle first = grant("alice", "file-1");
    stub.renew(
        RenewRequest.newBuilder().setOwner("alice").setHandleId(first.getId()).setTtl(0).build());
    Handle second = grant("bob", "file-1");

    assertRefusal(
        () ->
            stub.renew(
                RenewRequest.newBuilder()
                    .setOwner("alice")
                    .setHandleId(first.getId())
                    .setTtl(9)
                    .build()),
        "SUPERSEDED",
        "superseded");
    assertRefusal(
        () ->
            stub.done(
                DoneRequest.newBuilder().setOwner("mallory").setHandleId(second.getId()).build()),
        "NOT_OWNER",
        "another owner");
    assertRefusal(
        () ->
            stub.done(
                DoneRequest.newBuilder()
                    .setOwner("bob")
                    .setHandleId(ByteString.copyFrom(new byte[16]))
                    .build()),
        "UNKNOWN_HANDLE",
        "unknown handle");
    stub.done(DoneRequest.newBuilder().setOwner("bob").setHandleId(second.getId()).build());
    assertRefusal(
        () ->
            stub.done(DoneRequest.newBuilder().setOwner("bob").setHandleId(second.getId()).build()),
        "DONE",
        "already done");
  }

  private static void assertRefusal(Runnable call, String reason, String messagePart) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Code.FAILED_PRECONDITION);
              assertThat(e.getStatus().getDescription()).contains(messagePart);
              ErrorInfo info = detail(e, ErrorInfo.class);
              assertThat(info.getDomain()).isEqualTo("accord.dev");
              assertThat(info.getReason()).isEqualTo(reason);
            });
  }

  private static <T extends com.google.protobuf.Message> T detail(
      StatusRuntimeException e, Class<T> type) {
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    assertThat(status).as("rich status of %s", e).isNotNull();
    return status.getDetailsList().stream()
        .filter(any -> any.is(type))
        .findFirst()
        .map(
            any -> {
              try {
                return any.unpack(type);
              } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
                throw new AssertionError(ex);
              }
            })
        .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " in " + status));
  }

  /** Each case: a request breaking one rule, and the field the error must name. */
  private record Invalid(String description, String field, Consumer<V1Grpc.V1BlockingStub> call) {}

  private List<Invalid> invalidAcquires() {
    Map<String, String> tooMany = new HashMap<>();
    for (int i = 0; i < 65; i++) {
      tooMany.put("k" + i, "v");
    }
    Map<String, String> tooBig = Map.of("k", "x".repeat(16 * 1024));
    return List.of(
        new Invalid("empty owner", "owner", s -> s.acquire(acquireRequest("", "n").build())),
        new Invalid(
            "owner of 256 chars",
            "owner",
            s -> s.acquire(acquireRequest("o".repeat(256), "n").build())),
        new Invalid("empty name", "name", s -> s.acquire(acquireRequest("o", "").build())),
        new Invalid(
            "name of 256 chars",
            "name",
            s -> s.acquire(acquireRequest("o", "n".repeat(256)).build())),
        new Invalid(
            "name with NUL", "name", s -> s.acquire(acquireRequest("o", "a\u0000b").build())),
        new Invalid(
            "namespace of 101 chars",
            "namespace",
            s -> s.acquire(acquireRequest("o", "n").setNamespace(ns + "x".repeat(101)).build())),
        new Invalid("ttl 0", "ttl", s -> s.acquire(acquireRequest("o", "n").setTtl(0).build())),
        new Invalid(
            "ttl over a day",
            "ttl",
            s -> s.acquire(acquireRequest("o", "n").setTtl(86_401).build())),
        new Invalid(
            "ttl uint32 max", "ttl", s -> s.acquire(acquireRequest("o", "n").setTtl(-1).build())),
        new Invalid(
            "65 metadata entries",
            "metadata",
            s -> s.acquire(acquireRequest("o", "n").putAllMetadata(tooMany).build())),
        new Invalid(
            "metadata over 16 KiB",
            "metadata",
            s -> s.acquire(acquireRequest("o", "n").putAllMetadata(tooBig).build())),
        new Invalid(
            "metadata with NUL",
            "metadata[\"k\"]",
            s -> s.acquire(acquireRequest("o", "n").putMetadata("k", "\u0000").build())));
  }

  @TestFactory
  Stream<DynamicTest> invalidAcquiresAreRejectedNamingTheFieldAndWriteNothing() {
    return invalidAcquires().stream()
        .map(
            c ->
                DynamicTest.dynamicTest(
                    c.description(),
                    () -> {
                      assertInvalid(c);
                      assertThat(list(ns)).as("resources written").isEmpty();
                    }));
  }

  @TestFactory
  Stream<DynamicTest> invalidRenewsAndDonesAreRejectedNamingTheFieldAndChangeNothing() {
    return Stream.of(
        invalid("renew: empty owner", "owner", (s, h) -> s.renew(renew(h).setOwner("").build())),
        invalid(
            "renew: empty handle_id",
            "handle_id",
            (s, h) -> s.renew(renew(h).setHandleId(ByteString.EMPTY).build())),
        invalid(
            "renew: 15-byte handle_id",
            "handle_id",
            (s, h) -> s.renew(renew(h).setHandleId(h.getId().substring(1)).build())),
        invalid(
            "renew: 17-byte handle_id",
            "handle_id",
            (s, h) ->
                s.renew(
                    renew(h)
                        .setHandleId(h.getId().concat(ByteString.copyFrom(new byte[1])))
                        .build())),
        invalid("renew: ttl over a day", "ttl", (s, h) -> s.renew(renew(h).setTtl(86_401).build())),
        invalid(
            "renew: metadata over 16 KiB",
            "metadata",
            (s, h) -> s.renew(renew(h).putMetadata("k", "x".repeat(16 * 1024)).build())),
        invalid("done: empty owner", "owner", (s, h) -> s.done(done(h).setOwner("").build())),
        invalid(
            "done: 3-byte handle_id",
            "handle_id",
            (s, h) -> s.done(done(h).setHandleId(ByteString.copyFrom(new byte[3])).build())),
        invalid(
            "done: metadata with NUL key",
            "metadata[\"a\u0000\"]".replace("\u0000", "\\0"),
            (s, h) -> s.done(done(h).putMetadata("a\u0000", "v").build())));
  }

  private interface HandleCall {
    void call(V1Grpc.V1BlockingStub stub, Handle handle);
  }

  private DynamicTest invalid(String description, String field, HandleCall call) {
    return DynamicTest.dynamicTest(
        description,
        () -> {
          String name = "file-" + namespaces.incrementAndGet();
          Handle handle = grant("alice", name);
          assertInvalid(new Invalid(description, field, s -> call.call(s, handle)));
          AcquireResponse after = stub.acquire(acquireRequest("bob", name).build());
          assertThat(after.getStatus())
              .as("still held by the untouched grant")
              .isEqualTo(Status.HELD);
          assertThat(after.getHandle().getExpTms())
              .as("expiry unchanged")
              .isEqualTo(handle.getExpTms());
          assertThat(after.getHandle().getMetadataMap())
              .as("metadata unchanged")
              .isEqualTo(handle.getMetadataMap());
        });
  }

  private static RenewRequest.Builder renew(Handle handle) {
    return RenewRequest.newBuilder()
        .setOwner("alice")
        .setHandleId(handle.getId())
        .setTtl(3600)
        .putMetadata("renewed", "yes");
  }

  private static DoneRequest.Builder done(Handle handle) {
    return DoneRequest.newBuilder().setOwner("alice").setHandleId(handle.getId());
  }

  @TestFactory
  Stream<DynamicTest> invalidListsAreRejectedNamingTheField() {
    Map<String, String> tooMany = new HashMap<>();
    for (int i = 0; i < 65; i++) {
      tooMany.put("k" + i, "v");
    }
    return Stream.of(
            new Invalid(
                "prefix of 101 chars",
                "filter.prefix",
                s ->
                    s.list(
                            ListRequest.newBuilder()
                                .setFilter(
                                    ListRequest.Filter.newBuilder().setPrefix("p".repeat(101)))
                                .build())
                        .hasNext()),
            new Invalid(
                "unknown status",
                "filter.status",
                s ->
                    s.list(
                            ListRequest.newBuilder()
                                .setFilter(ListRequest.Filter.newBuilder().setStatusValue(7))
                                .build())
                        .hasNext()),
            new Invalid(
                "65 metadata entries",
                "filter.metadata",
                s ->
                    s.list(
                            ListRequest.newBuilder()
                                .setFilter(ListRequest.Filter.newBuilder().putAllMetadata(tooMany))
                                .build())
                        .hasNext()),
            new Invalid(
                "offset above 2^63",
                "offset",
                s -> s.list(ListRequest.newBuilder().setOffset(-1).build()).hasNext()))
        .map(c -> DynamicTest.dynamicTest(c.description(), () -> assertInvalid(c)));
  }

  private ClaimRequest.Builder claimRequest(String owner, String... names) {
    return ClaimRequest.newBuilder()
        .setOwner(owner)
        .setNamespace(ns)
        .addAllNames(List.of(names))
        .setMax(10)
        .setTtl(60);
  }

  @TestFactory
  Stream<DynamicTest> invalidClaimsAreRejectedNamingTheFieldAndWriteNothing() {
    List<String> tooMany = new ArrayList<>();
    for (int i = 0; i < 1001; i++) {
      tooMany.add("n" + i);
    }
    return Stream.of(
            new Invalid("empty owner", "owner", s -> s.claim(claimRequest("", "n").build())),
            new Invalid("no names", "names", s -> s.claim(claimRequest("o").build())),
            new Invalid(
                "1001 names",
                "names",
                s -> s.claim(claimRequest("o").addAllNames(tooMany).build())),
            new Invalid(
                "third name empty",
                "names[2]",
                s -> s.claim(claimRequest("o", "a", "b", "").build())),
            new Invalid(
                "second name of 256 chars",
                "names[1]",
                s -> s.claim(claimRequest("o", "a", "n".repeat(256)).build())),
            new Invalid("max 0", "max", s -> s.claim(claimRequest("o", "a").setMax(0).build())),
            new Invalid(
                "max 1001", "max", s -> s.claim(claimRequest("o", "a").setMax(1001).build())),
            new Invalid(
                "max uint32 max", "max", s -> s.claim(claimRequest("o", "a").setMax(-1).build())),
            new Invalid("ttl 0", "ttl", s -> s.claim(claimRequest("o", "a").setTtl(0).build())),
            new Invalid(
                "namespace of 101 chars",
                "namespace",
                s -> s.claim(claimRequest("o", "a").setNamespace(ns + "x".repeat(101)).build())),
            new Invalid(
                "metadata with NUL",
                "metadata[\"k\"]",
                s -> s.claim(claimRequest("o", "a").putMetadata("k", "\u0000").build())))
        .map(
            c ->
                DynamicTest.dynamicTest(
                    c.description(),
                    () -> {
                      assertInvalid(c);
                      assertThat(list(ns)).as("resources written").isEmpty();
                    }));
  }

  @Test
  void claimAnswersEachGrantWithItsOwnHandleAndTokenAndNamesTheDoneAndHeld() {
    Handle held = grant("bob", "held");
    Handle finished = grant("bob", "finished");
    stub.done(done(finished).setOwner("bob").build());

    ClaimResponse response =
        stub.claim(claimRequest("alice", "held", "finished", "x", "y").setMax(5).build());

    assertThat(response.getGrantedList()).extracting(Handle::getName).containsExactly("x", "y");
    assertThat(response.getGrantedList())
        .allSatisfy(
            handle -> {
              assertThat(handle.getId().size()).isEqualTo(16);
              assertThat(handle.getNumAcquired()).isEqualTo(1);
            });
    assertThat(response.getDoneList()).containsExactly("finished");
    assertThat(response.getHeldList()).containsExactly("held");
    stub.done(done(response.getGranted(0)).build());
    assertThat(stub.acquire(acquireRequest("carol", "x").build()).getStatus())
        .isEqualTo(Status.DONE);
    assertThat(held.getName()).isEqualTo("held");
  }

  @Test
  void watchFromTheStartSendsEveryDoneNameThenSaysItCaughtUpThenFollows() {
    for (String name : List.of("a", "b", "c")) {
      stub.done(done(grant("alice", name)).build());
    }
    grant("alice", "pending");

    Iterator<WatchResponse> stream =
        stub.withDeadlineAfter(20, TimeUnit.SECONDS)
            .watch(WatchRequest.newBuilder().setNamespace(ns).setFromStart(true).build());
    List<String> names = new ArrayList<>();
    WatchResponse response;
    do {
      response = stream.next();
      names.addAll(response.getNamesList());
    } while (!response.getCaughtUp());
    stub.done(done(grant("alice", "d")).build());
    WatchResponse next = stream.next();

    assertThat(names).containsExactly("a", "b", "c");
    assertThat(next.getNamesList()).containsExactly("d");
    assertThat(next.getCaughtUp()).isFalse();
  }

  @Test
  void watchFromTheStartWithACursorIsRejectedNamingTheCursor() {
    assertInvalid(
        new Invalid(
            "from_start and a cursor",
            "cursor",
            s ->
                s.watch(
                        WatchRequest.newBuilder()
                            .setNamespace(ns)
                            .setFromStart(true)
                            .setCursor(ByteString.copyFromUtf8("x"))
                            .build())
                    .hasNext()));
  }

  private void assertInvalid(Invalid c) {
    assertThatThrownBy(() -> c.call().accept(stub))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode())
                  .as(c.description())
                  .isEqualTo(Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription())
                  .as(c.description())
                  .startsWith(c.field() + ": ");
              assertThat(detail(e, BadRequest.class).getFieldViolations(0).getField())
                  .isEqualTo(c.field());
            });
  }

  @Test
  void requestsThatAreNotValidProtobufAreInvalidArgumentAndWriteNothing() {
    MethodDescriptor<byte[], byte[]> rawAcquire =
        V1Grpc.getAcquireMethod().toBuilder(RawBytes.INSTANCE, RawBytes.INSTANCE).build();
    byte[] invalidUtf8Owner = {0x0a, 0x01, (byte) 0xff, 0x12, 0x01, 'n', 0x20, 0x05};
    byte[] truncated = {0x12, 0x09, 'n'};

    for (byte[] request : List.of(invalidUtf8Owner, truncated)) {
      assertThatThrownBy(
              () ->
                  ClientCalls.blockingUnaryCall(channel, rawAcquire, CallOptions.DEFAULT, request))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Code.INVALID_ARGUMENT);
                assertThat(e.getStatus().getDescription()).startsWith("malformed Acquire request");
              });
    }
    assertThat(list("")).noneMatch(h -> h.getName().equals("n"));
  }

  /** Sends bytes as they are, to put malformed requests on the wire. */
  private enum RawBytes implements MethodDescriptor.Marshaller<byte[]> {
    INSTANCE;

    @Override
    public java.io.InputStream stream(byte[] value) {
      return new java.io.ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(java.io.InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  @Test
  void aDatabaseOutageIsUnavailableAndABugIsInternalWithoutItsDetails() {
    backend.setDelegate(
        new FailingBackend(
            new BackendUnavailableException("database unavailable during acquire: refused", null)));
    assertThatThrownBy(() -> stub.acquire(acquireRequest("alice", "x").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Code.UNAVAILABLE);
              assertThat(e.getStatus().getDescription()).contains("database unavailable");
            });

    backend.setDelegate(new FailingBackend(new IllegalStateException("secret internals")));
    assertThatThrownBy(() -> stub.acquire(acquireRequest("alice", "x").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Code.INTERNAL);
              assertThat(e.getStatus().getDescription())
                  .contains("reference")
                  .doesNotContain("secret");
            });
    assertThatThrownBy(() -> list(ns))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Code.INTERNAL));
  }

  @Test
  void listStreamsEverythingNewestFirst() {
    int count = AccordV1Service.LIST_PAGE_SIZE * 2 + 7;
    for (int i = 0; i < count; i++) {
      postgres.acquire(
          new AcquireCommand("alice", ns, String.format("file-%05d", i), 60, Map.of()));
    }

    List<Handle> handles = list(ns);

    assertThat(handles).hasSize(count);
    assertThat(handles.get(0).getName()).isEqualTo(String.format("file-%05d", count - 1));
    assertThat(handles.get(count - 1).getName()).isEqualTo("file-00000");
    assertThat(handles).allSatisfy(h -> assertThat(h.getId().size()).isEqualTo(16));
  }

  @Test
  void aSlowListReaderHoldsTheServerToAboutOnePageAndCancellingStopsTheReads() {
    int count = AccordV1Service.LIST_PAGE_SIZE * 8;
    for (int i = 0; i < count; i++) {
      postgres.acquire(new AcquireCommand("alice", ns, "file-" + i, 60, Map.of()));
    }
    ConcurrentLinkedQueue<Handle> received = new ConcurrentLinkedQueue<>();
    AtomicReference<Throwable> ended = new AtomicReference<>();
    AtomicReference<ClientCallStreamObserver<ListRequest>> call = new AtomicReference<>();
    backend.rowsListed.set(0);

    V1Grpc.newStub(channel)
        .list(
            ListRequest.newBuilder()
                .setFilter(ListRequest.Filter.newBuilder().setPrefix(ns))
                .build(),
            new ClientResponseObserver<ListRequest, Handle>() {
              @Override
              public void beforeStart(ClientCallStreamObserver<ListRequest> requestStream) {
                call.set(requestStream);
                requestStream.disableAutoRequestWithInitial(10);
              }

              @Override
              public void onNext(Handle handle) {
                received.add(handle);
              }

              @Override
              public void onError(Throwable t) {
                ended.set(t);
              }

              @Override
              public void onCompleted() {
                ended.set(
                    new AssertionError("completed although the reader never asked for the rest"));
              }
            });

    await().atMost(Duration.ofSeconds(20)).until(() -> received.size() == 10);
    // The reader stops asking: the server reads at most the page it is on and never the whole
    // result.
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(5))
        .until(() -> backend.rowsListed.get() <= 2 * AccordV1Service.LIST_PAGE_SIZE);
    assertThat(received).hasSize(10);

    call.get().cancel("reader gave up", null);
    await().atMost(Duration.ofSeconds(5)).until(() -> ended.get() != null);
    int listedAtCancel = backend.rowsListed.get();
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(5))
        .until(() -> backend.rowsListed.get() == listedAtCancel);
    assertThat(listedAtCancel).isLessThan(count);
  }

  /** Counts the rows List reads. */
  private static final class CountingBackend extends ForwardingBackend {
    final AtomicInteger rowsListed = new AtomicInteger();

    CountingBackend() {
      super(null);
    }

    @Override
    public List<Resource> list(ListQuery query, Resource after, int limit) {
      List<Resource> page = super.list(query, after, limit);
      rowsListed.addAndGet(page.size());
      return page;
    }

    @Override
    public void close() {
      // the test closes the real backend itself
    }
  }

  /** Fails every call with the given error. */
  private static final class FailingBackend extends ForwardingBackend {
    private final RuntimeException error;

    FailingBackend(RuntimeException error) {
      super(null);
      this.error = error;
    }

    @Override
    public AcquireAnswer acquire(AcquireCommand command) {
      throw error;
    }

    @Override
    public CompletableFuture<AcquireAnswer> acquireAsync(AcquireCommand command) {
      return CompletableFuture.failedFuture(error);
    }

    @Override
    public List<Resource> list(ListQuery query, Resource after, int limit) {
      throw error;
    }
  }
}
