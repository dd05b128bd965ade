package dev.accord.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.accord.api.v1.Handle;
import dev.accord.api.v1.ListRequest;
import dev.accord.api.v1.V1Grpc;
import dev.accord.api.v1.WatchRequest;
import dev.accord.api.v1.WatchResponse;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The done feed's List, against a stand-in server over a real socket: many flow-control windows, a
 * List that fails midway and is retried, names of a neighbouring namespace left out, and close
 * cancelling a List in progress.
 */
class DoneFeedTest {
  private static final String NAMESPACE = "ns";

  private Server server;

  @AfterEach
  void stop() throws InterruptedException {
    if (server != null) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aListOfManyWindowsThatFailsMidwayIsRetriedUntilTheCacheHoldsEveryName() throws Exception {
    int names = 10_000; // ~20 windows of the feed's flow control
    StandIn standIn = new StandIn(names);
    standIn.failFirstListAfter = 3_000;
    List<String> errors = new CopyOnWriteArrayList<>();

    try (AccordClient client = client(standIn, errors)) {
      assertThat(client.awaitCacheWarm(Duration.ofSeconds(30))).isTrue();

      assertThat(client.knownDoneCount()).isEqualTo(names);
      for (int i = 0; i < names; i++) {
        assertThat(client.isKnownDone("job-" + i)).isTrue();
      }
      assertThat(client.isKnownDone("other-0")).isFalse();
      assertThat(standIn.lists.get()).isEqualTo(2);
      assertThat(errors).hasSize(1);
      assertThat(errors.get(0)).startsWith("listing done resources");
    }
  }

  @Test
  void closingTheClientCancelsAListInProgress() throws Exception {
    StandIn standIn = new StandIn(1_000_000);
    standIn.holdListAfter = 100;
    List<String> errors = new CopyOnWriteArrayList<>();

    AccordClient client = client(standIn, errors);
    assertThat(standIn.listHeld.await(30, TimeUnit.SECONDS)).isTrue();
    client.close();

    assertThat(standIn.listCancelled.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(client.awaitCacheWarm(Duration.ZERO)).isFalse();
    assertThat(errors).isEmpty();
  }

  private AccordClient client(StandIn standIn, List<String> errors) throws Exception {
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(standIn)
            .build()
            .start();
    return AccordClient.builder()
        .target("127.0.0.1:" + server.getPort())
        .namespace(NAMESPACE)
        .listener(
            new AccordClient.Listener() {
              @Override
              public void backgroundError(String what, Throwable error) {
                errors.add(what);
              }
            })
        .build();
  }

  /**
   * Watch: one bookmark, then nothing, whatever the request (as a server that predates from_start
   * answers, so the feed falls back to List). List: every name of the namespace, then names of
   * "ns2" (the filter is a prefix, so the real server would send them too), honouring flow control
   * as the real server does.
   */
  private static final class StandIn extends V1Grpc.V1ImplBase {
    static final int OTHERS = 100;
    final int names;
    final AtomicInteger lists = new AtomicInteger();
    final CountDownLatch listHeld = new CountDownLatch(1);
    final CountDownLatch listCancelled = new CountDownLatch(1);
    volatile int failFirstListAfter = -1;
    volatile int holdListAfter = -1;

    StandIn(int names) {
      this.names = names;
    }

    @Override
    public void watch(WatchRequest request, StreamObserver<WatchResponse> response) {
      response.onNext(WatchResponse.newBuilder().setCursor(ByteString.copyFromUtf8("c")).build());
    }

    @Override
    public void list(ListRequest request, StreamObserver<Handle> response) {
      int attempt = lists.incrementAndGet();
      ServerCallStreamObserver<Handle> call = (ServerCallStreamObserver<Handle>) response;
      int[] next = {0};
      boolean[] finished = {false};
      call.setOnCancelHandler(listCancelled::countDown);
      Runnable drain =
          () -> {
            while (!finished[0] && call.isReady()) {
              int i = next[0]++;
              if (attempt == 1 && i == failFirstListAfter) {
                finished[0] = true;
                call.onError(Status.UNAVAILABLE.withDescription("stand-in fails").asException());
                return;
              }
              if (i == holdListAfter) {
                finished[0] = true; // never completes: the client must cancel it
                listHeld.countDown();
                return;
              }
              if (i == names + OTHERS) {
                finished[0] = true;
                call.onCompleted();
                return;
              }
              call.onNext(
                  i < names
                      ? handle(NAMESPACE, "job-" + i)
                      : handle(NAMESPACE + "2", "other-" + (i - names)));
            }
          };
      call.setOnReadyHandler(drain);
      drain.run();
    }

    private static Handle handle(String namespace, String name) {
      return Handle.newBuilder()
          .setNamespace(namespace)
          .setName(name)
          .setDoneTms(1)
          .setNumAcquired(1)
          .build();
    }
  }
}
