package dev.accord.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accord.api.admin.AdminGrpc;
import dev.accord.api.admin.DeleteRequest;
import dev.accord.api.admin.StatsRequest;
import dev.accord.api.v1.AcquireRequest;
import dev.accord.api.v1.ListRequest;
import dev.accord.api.v1.Status;
import dev.accord.api.v1.V1Grpc;
import dev.accord.server.AccordServer;
import dev.accord.server.CallSecurity;
import dev.accord.server.backend.AcquireAnswer;
import dev.accord.server.backend.AcquireCommand;
import dev.accord.server.backend.DoneCommand;
import dev.accord.server.backend.ListQuery;
import dev.accord.server.backend.Resource;
import dev.accord.server.backend.memory.MemoryBackend;
import dev.accord.server.testing.ForwardingBackend;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server with {@code ACCORD_AUTH=tokens:FILE}, called in-process: calls without a valid token are
 * refused before the backend hears of them; a valid one reaches the service with its caller.
 */
class AuthenticationInterceptorTest {
  @TempDir Path dir;

  private final MemoryBackend memory = new MemoryBackend();
  private final AtomicInteger backendCalls = new AtomicInteger();
  private final ConcurrentLinkedQueue<Object> callersSeen = new ConcurrentLinkedQueue<>();
  private final ForwardingBackend backend =
      new ForwardingBackend(memory) {
        @Override
        public AcquireAnswer acquire(AcquireCommand command) {
          record();
          return super.acquire(command);
        }

        @Override
        public CompletableFuture<AcquireAnswer> acquireAsync(AcquireCommand command) {
          record();
          return super.acquireAsync(command);
        }

        @Override
        public List<Resource> list(ListQuery query, Resource after, int limit) {
          record();
          return super.list(query, after, limit);
        }

        private void record() {
          backendCalls.incrementAndGet();
          Caller caller = Caller.current();
          callersSeen.add(caller == null ? "no caller" : caller);
        }
      };

  private AccordServer server;
  private ManagedChannel channel;

  private void start(List<Authenticator> authenticators) throws Exception {
    String name = InProcessServerBuilder.generateName();
    server =
        AccordServer.start(
            InProcessServerBuilder.forName(name),
            backend,
            2,
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            new CallSecurity(authenticators, null, true));
    channel = InProcessChannelBuilder.forName(name).build();
  }

  private void startWithTokens() throws Exception {
    Path tokens =
        Files.writeString(dir.resolve("tokens.csv"), "alice-token,alice,1,\"workers,ops\"\n");
    start(List.of(new TokenFileAuthenticator(tokens)));
  }

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.shutdown();
    }
  }

  private V1Grpc.V1BlockingStub v1(String authorization) {
    V1Grpc.V1BlockingStub stub = V1Grpc.newBlockingStub(channel);
    if (authorization == null) {
      return stub;
    }
    Metadata headers = new Metadata();
    headers.put(BearerToken.AUTHORIZATION, authorization);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private static AcquireRequest acquire() {
    return AcquireRequest.newBuilder()
        .setOwner("alice")
        .setNamespace("jobs")
        .setName("r1")
        .setTtl(60)
        .build();
  }

  @Test
  void noTokenIsUnauthenticatedSayingWhatIsMissingAndNothingIsWritten() throws Exception {
    startWithTokens();

    assertThatThrownBy(() -> v1(null).acquire(acquire()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Code.UNAUTHENTICATED);
              assertThat(e.getStatus().getDescription())
                  .startsWith("no credentials: ")
                  .contains("bearer token");
            });

    assertThat(backendCalls).hasValue(0);
    assertThat(memory.list(ListQuery.all(), null, 10)).isEmpty();
  }

  @Test
  void anUnknownTokenOrAnotherSchemeIsUnauthenticatedAndNothingIsWritten() throws Exception {
    startWithTokens();

    assertThatThrownBy(() -> v1("Bearer mallory-token").acquire(acquire()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Code.UNAUTHENTICATED);
              assertThat(e.getStatus().getDescription()).isEqualTo("token not recognised");
            });
    assertThatThrownBy(() -> v1("Basic YWxpY2U6cHc=").acquire(acquire()))
        .hasMessageContaining("UNAUTHENTICATED");
    assertThatThrownBy(
            () -> v1("Bearer mallory-token").list(ListRequest.getDefaultInstance()).next())
        .hasMessageContaining("UNAUTHENTICATED");

    assertThat(backendCalls).hasValue(0);
    assertThat(memory.list(ListQuery.all(), null, 10)).isEmpty();
  }

  @Test
  void theAdminServiceNeedsATokenToo() throws Exception {
    startWithTokens();
    Resource done = memory.acquire(command()).resource();
    memory.done(new DoneCommand("alice", done.handleId(), Map.of()));
    AdminGrpc.AdminBlockingStub anonymous = AdminGrpc.newBlockingStub(channel);

    assertThatThrownBy(
            () -> anonymous.delete(DeleteRequest.newBuilder().setNamespace("jobs").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Code.UNAUTHENTICATED));
    assertThatThrownBy(
            () -> anonymous.stats(StatsRequest.newBuilder().setNamespace("jobs").build()))
        .hasMessageContaining("UNAUTHENTICATED");

    assertThat(memory.stats("jobs").done()).isEqualTo(1);
  }

  private static AcquireCommand command() {
    return new AcquireCommand("alice", "jobs", "r1", 60, Map.of());
  }

  @Test
  void aGoodTokenReachesTheServiceWithItsCaller() throws Exception {
    startWithTokens();

    assertThat(v1("Bearer alice-token").acquire(acquire()).getStatus()).isEqualTo(Status.OK);

    assertThat(callersSeen).containsExactly(new Caller("alice", Set.of("workers", "ops")));
  }

  @Test
  void withoutAuthenticationTheServiceSeesNoCaller() throws Exception {
    start(List.of());

    assertThat(v1(null).acquire(acquire()).getStatus()).isEqualTo(Status.OK);

    assertThat(callersSeen).containsExactly("no caller");
  }

  @Test
  void healthChecksNeedNoCredentials() throws Exception {
    startWithTokens();

    assertThat(
            HealthGrpc.newBlockingStub(channel)
                .check(
                    HealthCheckRequest.newBuilder()
                        .setService(AccordServer.LIVENESS_SERVICE)
                        .build())
                .getStatus())
        .isEqualTo(ServingStatus.SERVING);
  }

  @Test
  void reflectionNeedsAValidToken() throws Exception {
    startWithTokens();

    assertThatThrownBy(() -> listServices(null))
        .hasRootCauseInstanceOf(StatusRuntimeException.class)
        .hasMessageContaining("UNAUTHENTICATED");
    assertThat(listServices("Bearer alice-token").getListServicesResponse().getServiceCount())
        .isPositive();
  }

  @Test
  void anAuthenticationThatMayBlockRunsOnACallThreadAndOneThatCannotOnTheNetworkThread()
      throws Exception {
    List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
    Authenticator slow =
        new Authenticator() {
          @Override
          public Caller authenticate(Metadata headers, io.grpc.Attributes transport) {
            threads.add(Thread.currentThread().getName());
            return new Caller("alice", Set.of());
          }

          @Override
          public boolean mayBlock(Metadata headers) {
            return headers.containsKey(BearerToken.AUTHORIZATION);
          }
        };
    server =
        AccordServer.start(
            AccordServer.tcp(new java.net.InetSocketAddress("127.0.0.1", 0)),
            backend,
            2,
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            new CallSecurity(List.of(slow), null, true));
    channel =
        io.grpc.ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();

    v1(null).acquire(acquire());
    v1("Bearer t").acquire(acquire());

    // An Acquire that cannot block, look-up and authentication included, never waits for a call
    // thread to wake.
    assertThat(threads).hasSize(2);
    assertThat(threads.get(0)).startsWith("accord-netty-");
    assertThat(threads.get(1)).startsWith("accord-call-");
  }

  private ServerReflectionResponse listServices(String authorization) throws Exception {
    ServerReflectionGrpc.ServerReflectionStub stub = ServerReflectionGrpc.newStub(channel);
    if (authorization != null) {
      Metadata headers = new Metadata();
      headers.put(BearerToken.AUTHORIZATION, authorization);
      stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }
    CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests =
        stub.serverReflectionInfo(
            new StreamObserver<>() {
              @Override
              public void onNext(ServerReflectionResponse response) {
                answer.complete(response);
              }

              @Override
              public void onError(Throwable t) {
                answer.completeExceptionally(t);
              }

              @Override
              public void onCompleted() {}
            });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    requests.onCompleted();
    return answer.get(10, TimeUnit.SECONDS);
  }
}
