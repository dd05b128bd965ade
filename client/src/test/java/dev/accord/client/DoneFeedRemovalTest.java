package dev.accord.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import dev.accord.api.ErrorReasons;
import dev.accord.api.v1.V1Grpc;
import dev.accord.api.v1.WatchRequest;
import dev.accord.api.v1.WatchResponse;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The done feed applying what a Watch says is no longer done (reset or deleted), and starting over
 * from an empty cache when its cursor expired, against a stand-in Watch in this JVM that the test
 * drives response by response.
 */
class DoneFeedRemovalTest {
  private static final String NAMESPACE = "ns";
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final StandIn standIn = new StandIn();
  private Server server;
  private AccordClient client;

  @BeforeEach
  void start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).addService(standIn).build().start();
    client =
        AccordClient.builder()
            .channel(InProcessChannelBuilder.forName(name).build())
            .owner("worker")
            .namespace(NAMESPACE)
            .listener(new AccordClient.Listener() {})
            .build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    client.close();
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void removedNamesLeaveTheCacheAndANameRemovedThenDoneAgainStays() throws Exception {
    StreamObserver<WatchResponse> stream = warmWith("a", "b", "c", "x");

    stream.onNext(response("c2").addRemoved("b").addRemoved("x").addNames("x").build());

    await().atMost(WAIT).until(() -> !client.isKnownDone("b"));
    assertThat(client.isKnownDone("a")).isTrue();
    assertThat(client.isKnownDone("c")).isTrue();
    assertThat(client.isKnownDone("x")).isTrue();
    assertThat(client.knownDoneCount()).isEqualTo(3);
  }

  @Test
  void removedAllDropsEveryNameBeforeTheResponsesNamesGoIn() throws Exception {
    StreamObserver<WatchResponse> stream = warmWith("a", "b", "c");

    stream.onNext(response("c2").setRemovedAll(true).addNames("d").build());

    await().atMost(WAIT).until(() -> client.isKnownDone("d"));
    assertThat(client.knownDoneCount()).isEqualTo(1);
    assertThat(List.of("a", "b", "c")).noneMatch(client::isKnownDone);
  }

  @Test
  void aWatchStartedOverAfterAnExpiredCursorBeginsWithAnEmptyCache() throws Exception {
    StreamObserver<WatchResponse> first = warmWith("a", "b");

    first.onError(Status.UNAVAILABLE.withDescription("replica going away").asException());
    Watch resumed = standIn.next();
    assertThat(resumed.request().getCursor().toStringUtf8()).isEqualTo("c1");
    resumed.stream().onError(cursorExpired());
    Watch over = standIn.next();

    assertThat(over.request().getFromStart()).isTrue();
    assertThat(over.request().getCursor()).isEmpty();
    // Cleared before the new Watch went out: "b" was reset meanwhile, and no stream says so.
    assertThat(client.knownDoneCount()).isZero();
    over.stream().onNext(response("c3").addNames("a").setCaughtUp(true).build());
    await().atMost(WAIT).until(() -> client.isKnownDone("a"));
    assertThat(client.isKnownDone("b")).isFalse();
  }

  /** Answers the client's first Watch with {@code names}, caught up at cursor "c1". */
  private StreamObserver<WatchResponse> warmWith(String... names) throws Exception {
    Watch watch = standIn.next();
    assertThat(watch.request().getFromStart()).isTrue();
    watch.stream().onNext(response("c1").addAllNames(List.of(names)).setCaughtUp(true).build());
    assertThat(client.awaitCacheWarm(WAIT)).isTrue();
    assertThat(List.of(names)).allMatch(client::isKnownDone);
    return watch.stream();
  }

  private static WatchResponse.Builder response(String cursor) {
    return WatchResponse.newBuilder().setCursor(ByteString.copyFromUtf8(cursor));
  }

  private static Exception cursorExpired() {
    return StatusProto.toStatusRuntimeException(
        com.google.rpc.Status.newBuilder()
            .setCode(Code.FAILED_PRECONDITION_VALUE)
            .setMessage("cursor expired: start over")
            .addDetails(
                Any.pack(
                    ErrorInfo.newBuilder()
                        .setDomain(ErrorReasons.DOMAIN)
                        .setReason(ErrorReasons.CURSOR_EXPIRED)
                        .build()))
            .build());
  }

  private record Watch(WatchRequest request, StreamObserver<WatchResponse> stream) {}

  /** A Watch that hands every call to the test, which answers it. */
  private static final class StandIn extends V1Grpc.V1ImplBase {
    private final BlockingQueue<Watch> watches = new LinkedBlockingQueue<>();

    @Override
    public void watch(WatchRequest request, StreamObserver<WatchResponse> stream) {
      watches.add(new Watch(request, stream));
    }

    Watch next() throws InterruptedException {
      Watch watch = watches.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(watch).as("a Watch call").isNotNull();
      return watch;
    }
  }
}
