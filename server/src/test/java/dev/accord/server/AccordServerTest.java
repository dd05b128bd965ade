package dev.accord.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.accord.api.v1.AcquireRequest;
import dev.accord.api.v1.AcquireResponse;
import dev.accord.api.v1.Status;
import dev.accord.api.v1.V1Grpc;
import dev.accord.server.backend.AcquireAnswer;
import dev.accord.server.backend.AcquireCommand;
import dev.accord.server.backend.memory.MemoryBackend;
import dev.accord.server.testing.ForwardingBackend;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server as a whole over a real socket: reflection, and a graceful shutdown that lets in-flight
 * calls end.
 */
class AccordServerTest {
  private final CountDownLatch acquireEntered = new CountDownLatch(1);
  private final CountDownLatch releaseAcquire = new CountDownLatch(1);
  private final AtomicBoolean backendClosed = new AtomicBoolean();

  /**
   * A memory backend whose acquire of "slow" answers only when the test says so, to have a call in
   * flight. It answers asynchronously, as the server requires of acquire: the server calls it on a
   * network thread.
   */
  private final ForwardingBackend backend =
      new ForwardingBackend(new MemoryBackend()) {
        @Override
        public CompletableFuture<AcquireAnswer> acquireAsync(AcquireCommand command) {
          if (!command.name().equals("slow")) {
            return super.acquireAsync(command);
          }
          acquireEntered.countDown();
          return CompletableFuture.supplyAsync(
              () -> {
                try {
                  releaseAcquire.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                return super.acquire(command);
              });
        }

        @Override
        public void close() {
          backendClosed.set(true);
          super.close();
        }
      };

  private AccordServer server;
  private ManagedChannel channel;

  private void start(Duration grace) throws Exception {
    server =
        AccordServer.start(
            AccordServer.tcp(new InetSocketAddress("127.0.0.1", 0)),
            backend,
            4,
            grace,
            Duration.ofSeconds(1));
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
  }

  @AfterEach
  void stop() {
    releaseAcquire.countDown();
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.shutdown();
    }
  }

  @Test
  void reflectionDescribesTheV1Api() throws Exception {
    start(Duration.ofSeconds(1));
    List<ServerReflectionResponse> answers = new ArrayList<>();
    CompletableFuture<Void> finished = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests =
        ServerReflectionGrpc.newStub(channel)
            .serverReflectionInfo(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ServerReflectionResponse response) {
                    answers.add(response);
                  }

                  @Override
                  public void onError(Throwable t) {
                    finished.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {
                    finished.complete(null);
                  }
                });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    requests.onNext(
        ServerReflectionRequest.newBuilder()
            .setFileContainingSymbol("blacksquaremedia.accord.V1")
            .build());
    requests.onCompleted();
    finished.get(10, TimeUnit.SECONDS);

    assertThat(answers.get(0).getListServicesResponse().getServiceList())
        .extracting(s -> s.getName())
        .contains("blacksquaremedia.accord.V1", "grpc.health.v1.Health");
    assertThat(answers.get(1).getFileDescriptorResponse().getFileDescriptorProtoCount())
        .isPositive();
  }

  @Test
  void shutdownRefusesNewCallsAndLetsInFlightCallsFinishThenClosesTheBackend() throws Exception {
    start(Duration.ofSeconds(30));
    V1Grpc.V1BlockingStub stub = V1Grpc.newBlockingStub(channel);
    CompletableFuture<AcquireResponse> inFlight =
        CompletableFuture.supplyAsync(() -> stub.acquire(request("slow")));
    assertThat(acquireEntered.await(10, TimeUnit.SECONDS)).isTrue();

    CompletableFuture<Boolean> shutdown = CompletableFuture.supplyAsync(server::shutdown);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> V1Grpc.newBlockingStub(channel).acquire(request("new")))
                    .isInstanceOf(StatusRuntimeException.class));
    assertThat(backendClosed).isFalse();
    releaseAcquire.countDown();

    assertThat(inFlight.get(10, TimeUnit.SECONDS).getStatus()).isEqualTo(Status.OK);
    assertThat(shutdown.get(10, TimeUnit.SECONDS))
        .as("every call finished within the grace period")
        .isTrue();
    assertThat(backendClosed).isTrue();
  }

  @Test
  void callsStillRunningAfterTheGracePeriodAreCancelled() throws Exception {
    start(Duration.ofMillis(200));
    V1Grpc.V1BlockingStub stub = V1Grpc.newBlockingStub(channel);
    CompletableFuture<AcquireResponse> inFlight =
        CompletableFuture.supplyAsync(() -> stub.acquire(request("slow")));
    assertThat(acquireEntered.await(10, TimeUnit.SECONDS)).isTrue();

    assertThat(server.shutdown()).as("a call outlived the grace period").isFalse();

    assertThat(inFlight).failsWithin(Duration.ofSeconds(10));
    assertThat(backendClosed).isTrue();
  }

  private static AcquireRequest request(String name) {
    return AcquireRequest.newBuilder()
        .setOwner("alice")
        .setNamespace("server")
        .setName(name)
        .setTtl(60)
        .build();
  }
}
