package dev.accord.ctl;

import com.google.protobuf.Message;
import dev.accord.api.admin.AdminGrpc;
import dev.accord.api.admin.DeleteRequest;
import dev.accord.api.admin.DeleteResponse;
import dev.accord.api.admin.ExpectRequest;
import dev.accord.api.admin.ExpectResponse;
import dev.accord.api.admin.GetRequest;
import dev.accord.api.admin.NamespaceStats;
import dev.accord.api.admin.NamespacesRequest;
import dev.accord.api.admin.NamespacesResponse;
import dev.accord.api.admin.ReleaseRequest;
import dev.accord.api.admin.ReleaseResponse;
import dev.accord.api.admin.ResetRequest;
import dev.accord.api.admin.ResetResponse;
import dev.accord.api.admin.StatsRequest;
import dev.accord.api.v1.Handle;
import dev.accord.api.v1.ListRequest;
import dev.accord.api.v1.V1Grpc;
import dev.accord.api.v1.WatchRequest;
import dev.accord.api.v1.WatchResponse;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in Accord server on a loopback socket: the Admin service and V1's List and Watch answer
 * what a test sets, and every request and authorization header is recorded.
 */
final class FakeAccord implements AutoCloseable {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /** Every request received, in order. */
  final List<Message> requests = new CopyOnWriteArrayList<>();

  /** The authorization header of every call ("none" when absent). */
  final List<String> authorizations = new CopyOnWriteArrayList<>();

  /** Methods (bare name, e.g. "Stats") that fail with the given status. */
  final Map<String, Status> failures = new ConcurrentHashMap<>();

  volatile List<NamespaceStats> namespaces = List.of();
  volatile NamespaceStats stats = NamespaceStats.getDefaultInstance();
  volatile Handle handle = Handle.getDefaultInstance();
  volatile List<Handle> listed = List.of();
  volatile List<String> released = List.of();
  volatile long reset;
  volatile long deleted;
  volatile List<WatchResponse> watchResponses = List.of();

  /** How each Watch call ends after its responses, in turn; when none is left, normally. */
  final Queue<StatusRuntimeException> watchEnds = new ConcurrentLinkedQueue<>();

  private final Server server;

  FakeAccord() throws IOException {
    this(InsecureServerCredentials.create());
  }

  FakeAccord(ServerCredentials credentials) throws IOException {
    ServerInterceptor record =
        new ServerInterceptor() {
          @Override
          public <Q, A> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
            String authorization = headers.get(AUTHORIZATION);
            authorizations.add(authorization == null ? "none" : authorization);
            Status failure = failures.get(call.getMethodDescriptor().getBareMethodName());
            if (failure != null) {
              call.close(failure, new Metadata());
              return new ServerCall.Listener<>() {};
            }
            return next.startCall(call, headers);
          }
        };
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), credentials)
            .addService(ServerInterceptors.intercept(new Admin(), record))
            .addService(ServerInterceptors.intercept(new V1(), record))
            .build()
            .start();
  }

  String target() {
    return "127.0.0.1:" + server.getPort();
  }

  int port() {
    return server.getPort();
  }

  /** The requests of one type, in order. */
  <T extends Message> List<T> requests(Class<T> type) {
    List<T> matching = new ArrayList<>();
    requests.stream().filter(type::isInstance).map(type::cast).forEach(matching::add);
    return matching;
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private <T> void answer(Message request, StreamObserver<T> response, T value) {
    requests.add(request);
    response.onNext(value);
    response.onCompleted();
  }

  private final class Admin extends AdminGrpc.AdminImplBase {
    @Override
    public void namespaces(NamespacesRequest request, StreamObserver<NamespacesResponse> out) {
      answer(request, out, NamespacesResponse.newBuilder().addAllNamespaces(namespaces).build());
    }

    @Override
    public void stats(StatsRequest request, StreamObserver<NamespaceStats> out) {
      answer(request, out, stats);
    }

    @Override
    public void get(GetRequest request, StreamObserver<Handle> out) {
      answer(request, out, handle);
    }

    @Override
    public void release(ReleaseRequest request, StreamObserver<ReleaseResponse> out) {
      answer(request, out, ReleaseResponse.newBuilder().addAllReleased(released).build());
    }

    @Override
    public void reset(ResetRequest request, StreamObserver<ResetResponse> out) {
      answer(request, out, ResetResponse.newBuilder().setReset(reset).build());
    }

    @Override
    public void delete(DeleteRequest request, StreamObserver<DeleteResponse> out) {
      answer(request, out, DeleteResponse.newBuilder().setDeleted(deleted).build());
    }

    @Override
    public void expect(ExpectRequest request, StreamObserver<ExpectResponse> out) {
      answer(request, out, ExpectResponse.getDefaultInstance());
    }
  }

  private final class V1 extends V1Grpc.V1ImplBase {
    @Override
    public void list(ListRequest request, StreamObserver<Handle> out) {
      requests.add(request);
      listed.forEach(out::onNext);
      out.onCompleted();
    }

    @Override
    public void watch(WatchRequest request, StreamObserver<WatchResponse> out) {
      requests.add(request);
      watchResponses.forEach(out::onNext);
      StatusRuntimeException end = watchEnds.poll();
      if (end == null) {
        out.onCompleted();
      } else {
        out.onError(end);
      }
    }
  }
}
