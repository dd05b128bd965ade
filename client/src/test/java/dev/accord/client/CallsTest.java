package dev.accord.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import dev.accord.api.v1.AcquireRequest;
import dev.accord.api.v1.AcquireResponse;
import dev.accord.api.v1.Status;
import dev.accord.api.v1.V1Grpc;
import io.grpc.Server;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The call layer against a stand-in server over a real socket: what is retried and until when, how
 * a refusal reaches the worker, and that closing it stops the scheduled work.
 */
class CallsTest {
  private static final AcquireRequest ACQUIRE =
      AcquireRequest.newBuilder().setOwner("alice").setName("a").build();

  private Server server;
  private Calls calls;

  @AfterEach
  void stop() throws InterruptedException {
    if (calls != null) {
      calls.close();
    }
    if (server != null) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void anUnavailableServerIsRetriedUntilItAnswers() throws Exception {
    AtomicInteger attempts =
        start(
            attempt ->
                attempt <= 3
                    ? io.grpc.Status.UNAVAILABLE.withDescription("restarting").asRuntimeException()
                    : null,
            Duration.ofSeconds(30));

    AcquireResponse response = calls.call("acquire a", stub -> stub.acquire(ACQUIRE));

    assertThat(response.getStatus()).isEqualTo(Status.HELD);
    assertThat(attempts.get()).isEqualTo(4);
  }

  @Test
  void anUnavailableServerIsGivenUpOnAtTheCallDeadline() throws Exception {
    AtomicInteger attempts =
        start(
            attempt -> io.grpc.Status.UNAVAILABLE.withDescription("down").asRuntimeException(),
            Duration.ofMillis(500));
    long start = System.nanoTime();

    assertThatThrownBy(() -> calls.call("acquire a", stub -> stub.acquire(ACQUIRE)))
        .isInstanceOf(AccordException.class)
        .hasMessageContaining(
            "acquire a: server unavailable until the call deadline (500 ms): down")
        .satisfies(
            e ->
                assertThat(((AccordException) e).code())
                    .isEqualTo(io.grpc.Status.Code.UNAVAILABLE));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(attempts.get()).isGreaterThan(1);
  }

  @Test
  void aRefusalSurfacesAtOnceWithTheServersWords() throws Exception {
    AtomicInteger attempts =
        start(
            attempt ->
                io.grpc.Status.INVALID_ARGUMENT
                    .withDescription("name: too long")
                    .asRuntimeException(),
            Duration.ofSeconds(30));

    assertThatThrownBy(() -> calls.call("acquire a", stub -> stub.acquire(ACQUIRE)))
        .isExactlyInstanceOf(AccordException.class)
        .hasMessage("acquire a: INVALID_ARGUMENT: name: too long")
        .satisfies(
            e ->
                assertThat(((AccordException) e).code())
                    .isEqualTo(io.grpc.Status.Code.INVALID_ARGUMENT));
    assertThat(attempts.get()).isEqualTo(1);
  }

  @Test
  void aRefusedHandleIsALostLeaseWithTheServersReason() throws Exception {
    start(
        attempt ->
            StatusProto.toStatusRuntimeException(
                com.google.rpc.Status.newBuilder()
                    .setCode(Code.FAILED_PRECONDITION_VALUE)
                    .setMessage("granted again")
                    .addDetails(Any.pack(ErrorInfo.newBuilder().setReason("SUPERSEDED").build()))
                    .build()),
        Duration.ofSeconds(30));

    assertThatThrownBy(() -> calls.call("renew a", stub -> stub.acquire(ACQUIRE)))
        .isInstanceOf(LeaseLostException.class)
        .hasMessage("renew a: FAILED_PRECONDITION: granted again")
        .satisfies(e -> assertThat(((LeaseLostException) e).reason()).isEqualTo("SUPERSEDED"));
  }

  @Test
  void closingStopsTheSchedulerAndRefusesNewWork() throws Exception {
    start(attempt -> null, Duration.ofSeconds(30));
    CountDownLatch ran = new CountDownLatch(1);
    assertThat((Object) calls.schedule(ran::countDown, 1)).isNotNull();
    assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();

    calls.close();

    assertThat(calls.isClosed()).isTrue();
    assertThat((Object) calls.schedule(() -> {}, 1)).isNull();
    assertThatThrownBy(calls::requireOpen)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  /**
   * A stand-in whose acquire fails with {@code failure.apply(attempt)} (attempts count from 1) or,
   * when that is null, answers HELD; returns the count of attempts.
   */
  private AtomicInteger start(IntFunction<StatusRuntimeException> failure, Duration callDeadline)
      throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(
                new V1Grpc.V1ImplBase() {
                  @Override
                  public void acquire(
                      AcquireRequest request, StreamObserver<AcquireResponse> response) {
                    StatusRuntimeException fail = failure.apply(attempts.incrementAndGet());
                    if (fail != null) {
                      response.onError(fail);
                      return;
                    }
                    response.onNext(AcquireResponse.newBuilder().setStatus(Status.HELD).build());
                    response.onCompleted();
                  }
                })
            .build()
            .start();
    calls =
        new Calls(
            ClientSettings.connect("127.0.0.1:" + server.getPort()),
            null,
            callDeadline,
            new AccordClient.Listener() {});
    return attempts;
  }
}
