package dev.accord.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.CodedOutputStream;
import dev.accord.api.v1.V1Grpc;
import dev.accord.api.v1.WatchRequest;
import dev.accord.api.v1.WatchResponse;
import dev.accord.server.backend.DoneCursor;
import dev.accord.server.backend.DonePage;
import dev.accord.server.backend.memory.MemoryBackend;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What Watch streams can hold on one server: how many it serves at once, and how large one response
 * can grow whatever the names' lengths (the memory backend: this is the service's own limit, not
 * the store's).
 */
class WatchLimitsTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final UUID STORE = UUID.randomUUID();

  private final MemoryBackend backend = new MemoryBackend();
  private final AccordServices services = new AccordServices(backend, 4, "watch-limits-");
  private final List<Watcher> watchers = new ArrayList<>();
  private Server server;
  private ManagedChannel channel;

  @AfterEach
  void stop() {
    watchers.forEach(w -> w.call.cancel("test over", null));
    if (channel != null) {
      channel.shutdownNow();
      server.shutdownNow();
    }
    services.close();
    backend.close();
  }

  @Test
  void aStreamPastTheServersLimitIsRefusedAndOneEndingMakesRoom() throws Exception {
    String name = InProcessServerBuilder.generateName();
    server = services.addTo(InProcessServerBuilder.forName(name)).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
    for (int i = 0; i < AccordV1Service.MAX_WATCH_STREAMS; i++) {
      watchers.add(watch());
    }
    await().atMost(WAIT).until(() -> watchers.stream().allMatch(w -> w.responses > 0));

    Watcher refused = watch();
    await().atMost(WAIT).until(() -> refused.error.get() != null);
    Status status = Status.fromThrowable(refused.error.get());
    assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(status.getDescription()).contains("1000 Watch streams").contains("another replica");

    watchers.remove(0).call.cancel("making room", null);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Watcher next = watch();
              watchers.add(next);
              await().atMost(WAIT).until(() -> next.responses > 0 || next.error.get() != null);
              assertThat(next.error.get()).isNull();
            });
  }

  @Test
  void aPageOfLongNamesIsCutToTheResponseBudgetEndingAtItsLastName() {
    List<String> names = new ArrayList<>();
    List<DoneCursor> positions = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      names.add(String.format("%04d", i) + "é".repeat(125));
      positions.add(new DoneCursor(STORE, 100, i + 1));
    }
    DonePage page =
        new DonePage(names, new DoneCursor(STORE, 101, 0), false, List.of(), false, positions);

    DonePage cut = WatchStream.bounded(page);

    long bytes =
        cut.names().stream().mapToLong(n -> CodedOutputStream.computeStringSize(1, n)).sum();
    assertThat(bytes).isLessThanOrEqualTo(WatchStream.MAX_RESPONSE_NAME_BYTES);
    assertThat(cut.names()).isNotEmpty().isEqualTo(names.subList(0, cut.names().size()));
    assertThat(cut.next()).isEqualTo(positions.get(cut.names().size() - 1));
    assertThat(cut.morePending()).isTrue();
    assertThat(page.after(cut.next()).names()).isEqualTo(names.subList(cut.names().size(), 3_000));
  }

  @Test
  void aPageThatFitsIsSentWhole() {
    DonePage page =
        new DonePage(
            List.of("a", "b"),
            new DoneCursor(STORE, 7, 0),
            false,
            List.of("gone"),
            true,
            List.of(
                new DoneCursor(STORE, 5, 1),
                new DoneCursor(STORE, 5, 2),
                new DoneCursor(STORE, 6, 1),
                new DoneCursor(STORE, 6, 2)));

    assertThat(WatchStream.bounded(page)).isSameAs(page);
  }

  private Watcher watch() {
    Watcher watcher = new Watcher();
    V1Grpc.newStub(channel).watch(WatchRequest.newBuilder().setNamespace("jobs").build(), watcher);
    return watcher;
  }

  /** A Watch call that remembers how many responses came, and its error. */
  private static final class Watcher
      implements ClientResponseObserver<WatchRequest, WatchResponse> {
    volatile int responses;
    final AtomicReference<Throwable> error = new AtomicReference<>();
    ClientCallStreamObserver<WatchRequest> call;

    @Override
    public void beforeStart(ClientCallStreamObserver<WatchRequest> call) {
      this.call = call;
    }

    @Override
    public void onNext(WatchResponse response) {
      responses++;
    }

    @Override
    public void onError(Throwable t) {
      error.set(t);
    }

    @Override
    public void onCompleted() {}
  }
}
