package dev.accord.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.accord.api.v1.AcquireRequest;
import dev.accord.api.v1.DoneRequest;
import dev.accord.api.v1.Handle;
import dev.accord.api.v1.V1Grpc;
import dev.accord.api.v1.WatchRequest;
import dev.accord.api.v1.WatchResponse;
import dev.accord.server.backend.DoneCursor;
import dev.accord.server.backend.DonePage;
import dev.accord.server.backend.ResetCommand;
import dev.accord.server.backend.postgres.PostgresBackend;
import dev.accord.server.testing.ForwardingBackend;
import dev.accord.server.testing.TestPostgres;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Many Watch streams of one namespace on one server, on PostgreSQL: once they follow the present
 * they share one look, so a done is read once and reaches them all; a stream that takes nothing
 * does not hold the others back and still gets every change, in order, once it takes again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NamespaceTailTest {
  private static final int STREAMS = 8;
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final AtomicInteger namespaces = new AtomicInteger();

  private PostgresBackend postgres;
  private final PageRecordingBackend backend = new PageRecordingBackend();
  private AccordServices services;
  private Server server;
  private ManagedChannel channel;
  private V1Grpc.V1BlockingStub stub;
  private final List<Watcher> watchers = new ArrayList<>();
  private String ns;

  @BeforeAll
  void start() throws Exception {
    postgres = PostgresBackend.open(TestPostgres.newDatabase(8));
    backend.setDelegate(postgres);
    String name = InProcessServerBuilder.generateName();
    services = new AccordServices(backend, 8, "tail-test-");
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
    ns = "tail-" + namespaces.incrementAndGet();
  }

  @AfterEach
  void cancelWatches() {
    watchers.forEach(watcher -> watcher.call.cancel("test over", null));
    watchers.clear();
  }

  @Test
  void eachDoneAndRemovalIsReadOnceAndReachesEveryStream() {
    List<Watcher> all = watchStarted(STREAMS, false);
    // Every stream has reached the present on its own and joined the tail once "warm" reached it.
    done("warm");
    await().atMost(WAIT).until(() -> all.stream().allMatch(w -> w.changes.contains("+warm")));

    done("x");
    await().atMost(WAIT).until(() -> all.stream().allMatch(w -> w.changes.contains("+x")));
    postgres.reset(ResetCommand.of(ns, List.of("x")));
    await().atMost(WAIT).until(() -> all.stream().allMatch(w -> w.changes.contains("-x")));

    assertThat(backend.pagesCarrying(ns, "+x")).isEqualTo(1);
    assertThat(backend.pagesCarrying(ns, "-x")).isEqualTo(1);
    assertThat(all).allSatisfy(w -> assertThat(w.changes).containsExactly("+warm", "+x", "-x"));
  }

  @Test
  void aStreamThatTakesNothingDoesNotHoldTheOthersBackAndGetsEverythingInOrderLater() {
    List<Watcher> fast = watchStarted(STREAMS - 1, false);
    Watcher slow = watchStarted(1, true).get(0);

    for (String name : List.of("a", "b", "c")) {
      done(name);
    }
    await()
        .atMost(WAIT)
        .until(() -> fast.stream().allMatch(w -> w.changes.containsAll(List.of("+a", "+b", "+c"))));
    assertThat(slow.changes).isEmpty();

    slow.call.request(100);
    await().atMost(WAIT).until(() -> slow.changes.size() == 3);
    done("d");
    await().atMost(WAIT).until(() -> slow.changes.contains("+d"));
    await().atMost(WAIT).until(() -> fast.stream().allMatch(w -> w.changes.contains("+d")));

    assertThat(slow.changes).containsExactly("+a", "+b", "+c", "+d");
    assertThat(fast).allSatisfy(w -> assertThat(w.changes).containsExactly("+a", "+b", "+c", "+d"));
  }

  @Test
  void streamsThatJoinWhileDonesGoOnEachGetEveryLaterDoneOnceAndInOrder() {
    int dones = 60;
    List<Watcher> joining = new ArrayList<>();
    for (int d = 0; d < dones; d++) {
      if (d % 3 == 0) {
        Watcher watcher = new Watcher(false);
        V1Grpc.newStub(channel).watch(WatchRequest.newBuilder().setNamespace(ns).build(), watcher);
        joining.add(watcher);
        watchers.add(watcher);
      }
      done(String.format("n%03d", d));
    }
    String last = String.format("+n%03d", dones - 1);
    await().atMost(WAIT).until(() -> joining.stream().allMatch(w -> w.changes.contains(last)));

    for (Watcher watcher : joining) {
      List<String> changes = List.copyOf(watcher.changes);
      int first = Integer.parseInt(changes.get(0).substring(2));
      List<String> expected = new ArrayList<>();
      for (int d = first; d < dones; d++) {
        expected.add(String.format("+n%03d", d));
      }
      assertThat(changes).containsExactlyElementsOf(expected);
    }
  }

  private List<Watcher> watchStarted(int count, boolean takesOnlyOne) {
    List<Watcher> started = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Watcher watcher = new Watcher(takesOnlyOne);
      V1Grpc.newStub(channel).watch(WatchRequest.newBuilder().setNamespace(ns).build(), watcher);
      started.add(watcher);
    }
    watchers.addAll(started);
    await().atMost(WAIT).until(() -> started.stream().allMatch(w -> w.responses.get() > 0));
    return started;
  }

  private void done(String name) {
    Handle handle =
        stub.acquire(
                AcquireRequest.newBuilder()
                    .setOwner("alice")
                    .setNamespace(ns)
                    .setName(name)
                    .setTtl(60)
                    .build())
            .getHandle();
    stub.done(DoneRequest.newBuilder().setOwner("alice").setHandleId(handle.getId()).build());
  }

  /** A Watch call's changes as +name, -name and *; one that takes only one response if asked. */
  private static final class Watcher
      implements ClientResponseObserver<WatchRequest, WatchResponse> {
    final List<String> changes = new CopyOnWriteArrayList<>();
    final AtomicInteger responses = new AtomicInteger();
    private final boolean takesOnlyOne;
    ClientCallStreamObserver<WatchRequest> call;

    Watcher(boolean takesOnlyOne) {
      this.takesOnlyOne = takesOnlyOne;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<WatchRequest> call) {
      this.call = call;
      if (takesOnlyOne) {
        call.disableAutoRequestWithInitial(1);
      }
    }

    @Override
    public void onNext(WatchResponse response) {
      if (response.getRemovedAll()) {
        changes.add("*");
      }
      response.getRemovedList().forEach(name -> changes.add("-" + name));
      response.getNamesList().forEach(name -> changes.add("+" + name));
      responses.incrementAndGet();
    }

    @Override
    public void onError(Throwable error) {
      // Cancelled by the test when it ends; a failure shows as changes that never came.
    }

    @Override
    public void onCompleted() {}
  }

  /** Remembers every done-stream page read, to count the reads that carried a change. */
  private static final class PageRecordingBackend extends ForwardingBackend {
    private record Read(String namespace, DonePage page) {}

    private final ConcurrentLinkedQueue<Read> reads = new ConcurrentLinkedQueue<>();

    PageRecordingBackend() {
      super(null);
    }

    @Override
    public DonePage donesAfter(
        String namespace, DoneCursor after, DoneCursor removalsAfter, int limit) {
      DonePage page = super.donesAfter(namespace, after, removalsAfter, limit);
      reads.add(new Read(namespace, page));
      return page;
    }

    /** How many pages read for {@code namespace} carried {@code change} (+name or -name). */
    long pagesCarrying(String namespace, String change) {
      String name = change.substring(1);
      return reads.stream()
          .filter(read -> read.namespace().equals(namespace))
          .filter(
              read ->
                  change.startsWith("+")
                      ? read.page().names().contains(name)
                      : read.page().removed().contains(name))
          .count();
    }

    @Override
    public void close() {
      // the test closes the real backend itself
    }
  }
}
