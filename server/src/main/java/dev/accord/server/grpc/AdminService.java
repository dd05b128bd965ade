package dev.accord.server.grpc;

import dev.accord.api.InputLimits;
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
import dev.accord.server.access.AccessPolicy;
import dev.accord.server.access.AccessRole;
import dev.accord.server.backend.Backend;
import dev.accord.server.backend.DeleteCommand;
import dev.accord.server.backend.InputChecks;
import dev.accord.server.backend.InvalidArgumentException;
import dev.accord.server.backend.ResetCommand;
import dev.accord.server.backend.Resource;
import dev.accord.server.backend.ResourceNames;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The admin API over any {@link Backend}: each call acts on one namespace, given exactly. With an
 * {@link AccessPolicy}, Namespaces shows only the namespaces the caller may read, Stats and Get
 * need the reader role (or more) in the namespace, Expect the worker role, and Release, Reset and
 * Delete the admin role; input is checked before access, and both before anything is read or
 * written.
 */
public final class AdminService extends AdminGrpc.AdminImplBase {
  private final Backend backend;
  private final CallAccess access;

  /**
   * @param accessPolicy the access rules, with authentication on; null when it is off
   */
  public AdminService(Backend backend, AccessPolicy accessPolicy) {
    this.backend = backend;
    this.access = new CallAccess(accessPolicy);
  }

  @Override
  public void namespaces(NamespacesRequest request, StreamObserver<NamespacesResponse> response) {
    answer(
        "Namespaces",
        response,
        () -> {
          String prefix =
              InputChecks.requireText(
                  "prefix", request.getPrefix(), InputLimits.MAX_NAMESPACE_CHARS);
          NamespacesResponse.Builder answer = NamespacesResponse.newBuilder();
          backend
              .namespaces(prefix, access.readable())
              .forEach(stats -> answer.addNamespaces(toProto(stats)));
          return answer.build();
        });
  }

  @Override
  public void stats(StatsRequest request, StreamObserver<NamespaceStats> response) {
    answer(
        "Stats",
        response,
        () -> {
          String namespace = namespace(request.getNamespace());
          access.require(namespace, AccessRole.READER);
          return toProto(backend.stats(namespace));
        });
  }

  @Override
  public void get(GetRequest request, StreamObserver<Handle> response) {
    answer(
        "Get",
        response,
        () -> {
          String namespace = namespace(request.getNamespace());
          String name =
              InputChecks.requireNonEmpty("name", request.getName(), InputLimits.MAX_NAME_CHARS);
          access.require(namespace, AccessRole.READER);
          Optional<Resource> resource = backend.get(namespace, name);
          if (resource.isEmpty()) {
            throw Status.NOT_FOUND
                .withDescription("no resource \"" + name + "\" in namespace \"" + namespace + "\"")
                .asRuntimeException();
          }
          // The handle ID is the holder's alone, and an administrator is not the holder.
          return Handles.toProto(resource.get(), false);
        });
  }

  @Override
  public void release(ReleaseRequest request, StreamObserver<ReleaseResponse> response) {
    answer(
        "Release",
        response,
        () -> {
          ResourceNames command = new ResourceNames(request.getNamespace(), request.getNamesList());
          access.require(command.namespace(), AccessRole.ADMIN);
          return ReleaseResponse.newBuilder().addAllReleased(backend.release(command)).build();
        });
  }

  @Override
  public void reset(ResetRequest request, StreamObserver<ResetResponse> response) {
    answer(
        "Reset",
        response,
        () -> {
          ResetCommand command =
              new ResetCommand(request.getNamespace(), request.getNamesList(), request.getAll());
          access.require(command.namespace(), AccessRole.ADMIN);
          return ResetResponse.newBuilder().setReset(backend.reset(command)).build();
        });
  }

  @Override
  public void delete(DeleteRequest request, StreamObserver<DeleteResponse> response) {
    answer(
        "Delete",
        response,
        () -> {
          DeleteCommand command =
              new DeleteCommand(request.getNamespace(), request.getDoneBeforeTms());
          access.require(command.namespace(), AccessRole.ADMIN);
          return DeleteResponse.newBuilder().setDeleted(backend.delete(command)).build();
        });
  }

  @Override
  public void expect(ExpectRequest request, StreamObserver<ExpectResponse> response) {
    answer(
        "Expect",
        response,
        () -> {
          String namespace = namespace(request.getNamespace());
          long total = request.getTotal();
          if (total < 0) {
            throw new InvalidArgumentException(
                "total",
                "must be at most " + Long.MAX_VALUE + ", got " + Long.toUnsignedString(total));
          }
          // Workers declare the size of their own sweep, so the worker role suffices.
          access.require(namespace, AccessRole.WORKER);
          backend.expect(namespace, total);
          return ExpectResponse.getDefaultInstance();
        });
  }

  private static String namespace(String namespace) {
    return InputChecks.requireText("namespace", namespace, InputLimits.MAX_NAMESPACE_CHARS);
  }

  private static NamespaceStats toProto(dev.accord.server.backend.NamespaceStats stats) {
    return NamespaceStats.newBuilder()
        .setNamespace(stats.namespace())
        .setDone(stats.done())
        .setHeld(stats.held())
        .setPending(stats.pending())
        .setOldestPendingTms(stats.oldestPendingMillis())
        .setLatestDoneTms(stats.latestDoneMillis())
        .setExpected(stats.expected())
        .build();
  }

  /** Runs one unary call: its answer, or the status of what it threw. */
  private static <T> void answer(String method, StreamObserver<T> response, Supplier<T> call) {
    T answer;
    try {
      answer = call.get();
    } catch (io.grpc.StatusRuntimeException status) {
      response.onError(status);
      return;
    } catch (RuntimeException e) {
      response.onError(StatusErrors.toStatus(method, e));
      return;
    }
    response.onNext(answer);
    response.onCompleted();
  }
}
