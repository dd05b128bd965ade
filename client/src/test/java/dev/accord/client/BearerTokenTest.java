package dev.accord.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accord.api.v1.AcquireRequest;
import dev.accord.api.v1.AcquireResponse;
import dev.accord.api.v1.Status;
import dev.accord.api.v1.V1Grpc;
import dev.accord.api.v1.WatchRequest;
import dev.accord.api.v1.WatchResponse;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bearer token over a real plaintext socket to a stand-in server that records each call's
 * {@code authorization} header: on unary calls and the Watch stream, following the token file.
 */
class BearerTokenTest {
  private static final AcquireRequest ACQUIRE =
      AcquireRequest.newBuilder().setOwner("alice").setName("a").build();
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  @TempDir Path dir;

  /** "METHOD authorization", one per call the stand-in received. */
  private final List<String> received = new CopyOnWriteArrayList<>();

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

  private void start(Supplier<String> token) throws Exception {
    ServerInterceptor recordAuthorization =
        new ServerInterceptor() {
          @Override
          public <Q, A> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
            received.add(
                call.getMethodDescriptor().getBareMethodName() + " " + headers.get(AUTHORIZATION));
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

          @Override
          public void watch(WatchRequest request, StreamObserver<WatchResponse> response) {
            response.onNext(WatchResponse.getDefaultInstance());
            response.onCompleted();
          }
        };
    server =
        NettyServerBuilder.forPort(0)
            .addService(ServerInterceptors.intercept(standIn, recordAuthorization))
            .build()
            .start();
    calls =
        new Calls(
            ClientSettings.connect("127.0.0.1:" + server.getPort()),
            null,
            Duration.ofSeconds(10),
            new AccordClient.Listener() {},
            token == null ? null : new BearerCredentials(token));
  }

  private void acquire() {
    calls.call("acquire a", stub -> stub.acquire(ACQUIRE));
  }

  private void watch() throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    calls
        .async()
        .watch(
            WatchRequest.getDefaultInstance(),
            new StreamObserver<>() {
              @Override
              public void onNext(WatchResponse value) {}

              @Override
              public void onError(Throwable t) {
                done.completeExceptionally(t);
              }

              @Override
              public void onCompleted() {
                done.complete(null);
              }
            });
    done.get(10, TimeUnit.SECONDS);
  }

  @Test
  void everyCallAndTheWatchStreamCarryTheTokenEvenWithoutTls() throws Exception {
    start(() -> "t1");

    acquire();
    watch();

    assertThat(received).containsExactly("Acquire Bearer t1", "Watch Bearer t1");
  }

  @Test
  void withoutATokenNoAuthorizationIsSent() throws Exception {
    start(null);

    acquire();

    assertThat(received).containsExactly("Acquire null");
  }

  @Test
  void aChangedTokenFileIsSentFromTheNextCallOn() throws Exception {
    Path file = Files.writeString(dir.resolve("token"), "first-token\n");
    start(new TokenFile(file, "ACCORD_TOKEN_FILE"));
    acquire();

    // As the kubelet rotates a projected token: a new file moved over the old one.
    Files.move(
        Files.writeString(dir.resolve("token.next"), "second-token"),
        file,
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    acquire();
    watch();

    assertThat(received)
        .containsExactly(
            "Acquire Bearer first-token",
            "Acquire Bearer second-token",
            "Watch Bearer second-token");
  }

  @Test
  void anUnreadableTokenFileKeepsTheLastToken() throws Exception {
    Path file = Files.writeString(dir.resolve("token"), "first-token");
    start(new TokenFile(file, "ACCORD_TOKEN_FILE"));

    Files.writeString(file, "");
    acquire();
    Files.delete(file);
    acquire();
    Files.writeString(file, "third-token");
    acquire();

    assertThat(received)
        .containsExactly(
            "Acquire Bearer first-token",
            "Acquire Bearer first-token",
            "Acquire Bearer third-token");
  }

  @Test
  void aTokenSourceThatFailsFailsTheCallUnauthenticated() throws Exception {
    start(
        () -> {
          throw new IllegalStateException("vault sealed");
        });

    assertThatThrownBy(this::acquire)
        .isInstanceOfSatisfying(
            AccordException.class,
            e -> {
              assertThat(e.code()).isEqualTo(io.grpc.Status.Code.UNAUTHENTICATED);
              assertThat(e.getMessage()).contains("vault sealed");
            })
        .hasRootCauseInstanceOf(StatusRuntimeException.class);
    assertThat(received).isEmpty();
  }

  @Test
  void theTokenFileSettingIsCheckedWhenGivenNamingTheVariable() throws Exception {
    Path missing = dir.resolve("missing");
    assertThatThrownBy(
            () ->
                AccordClient.builderFromEnvironment(
                    Map.of(
                        "ACCORD_TARGET",
                        "localhost:7475",
                        "ACCORD_TOKEN_FILE",
                        missing.toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ACCORD_TOKEN_FILE")
        .hasMessageContaining(missing.toString());
    Path empty = Files.writeString(dir.resolve("empty"), " \n");
    assertThatThrownBy(() -> AccordClient.builder().tokenFile(empty))
        .hasMessageContaining("tokenFile")
        .hasMessageContaining("empty");
  }
}
