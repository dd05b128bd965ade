package dev.accord.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accord.api.v1.AcquireRequest;
import dev.accord.api.v1.AcquireResponse;
import dev.accord.api.v1.Status;
import dev.accord.api.v1.V1Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A channel for tools that call the stubs themselves carries the client's bearer token. */
class BuildChannelTest {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final List<String> received = new CopyOnWriteArrayList<>();
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    ServerInterceptor recordAuthorization =
        new ServerInterceptor() {
          @Override
          public <Q, A> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
            received.add(String.valueOf(headers.get(AUTHORIZATION)));
            return next.startCall(call, headers);
          }
        };
    V1Grpc.V1ImplBase standIn =
        new V1Grpc.V1ImplBase() {
          @Override
          public void acquire(AcquireRequest request, StreamObserver<AcquireResponse> response) {
            response.onNext(AcquireResponse.newBuilder().setStatus(Status.OK).build());
            response.onCompleted();
          }
        };
    server =
        NettyServerBuilder.forPort(0)
            .addService(ServerInterceptors.intercept(standIn, recordAuthorization))
            .build()
            .start();
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private void acquire() {
    V1Grpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .acquire(AcquireRequest.newBuilder().setName("a").build());
  }

  @Test
  void sendsTheTokenWithEveryCall() {
    channel =
        AccordClient.builder()
            .target("127.0.0.1:" + server.getPort())
            .token(() -> "t0ken")
            .buildChannel();

    acquire();
    acquire();

    assertThat(received).containsExactly("Bearer t0ken", "Bearer t0ken");
  }

  @Test
  void withoutATokenSendsNone() {
    channel = AccordClient.builder().target("127.0.0.1:" + server.getPort()).buildChannel();

    acquire();

    assertThat(received).containsExactly("null");
  }

  @Test
  void needsATarget() {
    assertThatThrownBy(() -> AccordClient.builder().buildChannel())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("set a target");
  }
}
