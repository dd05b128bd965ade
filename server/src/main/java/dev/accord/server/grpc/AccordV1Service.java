package dev.accord.server.grpc;

import com.google.common.util.concurrent.MoreExecutors;
import dev.accord.api.InputLimits;
import dev.accord.api.v1.AcquireRequest;
import dev.accord.api.v1.AcquireResponse;
import dev.accord.api.v1.ClaimRequest;
import dev.accord.api.v1.ClaimResponse;
import dev.accord.api.v1.DoneRequest;
import dev.accord.api.v1.DoneResponse;
import dev.accord.api.v1.Handle;
import dev.accord.api.v1.ListRequest;
import dev.accord.api.v1.RenewRequest;
import dev.accord.api.v1.RenewResponse;
import dev.accord.api.v1.Status;
import dev.accord.api.v1.V1Grpc;
import dev.accord.api.v1.WatchRequest;
import dev.accord.api.v1.WatchResponse;
import dev.accord.server.access.AccessPolicy;
import dev.accord.server.access.AccessRole;
import dev.accord.server.backend.AcquireAnswer;
import dev.accord.server.backend.AcquireCommand;
import dev.accord.server.backend.Backend;
import dev.accord.server.backend.ClaimAnswer;
import dev.accord.server.backend.ClaimCommand;
import dev.accord.server.backend.DoneCommand;
import dev.accord.server.backend.DoneCursor;
import dev.accord.server.backend.InputChecks;
import dev.accord.server.backend.InvalidArgumentException;
import dev.accord.server.backend.ListQuery;
import dev.accord.server.backend.NamespaceScope;
import dev.accord.server.backend.RenewCommand;
import dev.accord.server.backend.Resource;
import dev.accord.server.metrics.AccordMeters;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The V1 API, wire-compatible with the Go implementation, over any {@link Backend}. With an {@link
 * AccessPolicy} every call needs a role in its namespace (PERMISSION_DENIED otherwise, before
 * anything is read or written), grants record their holder, and List shows only what the caller may
 * read, with handle IDs only of the grants it holds.
 */
public final class AccordV1Service extends V1Grpc.V1ImplBase {
  /**
   * Rows List reads per query: a bound on what a stream holds in memory while its reader is slow.
   */
  static final int LIST_PAGE_SIZE = 256;

  /**
   * Runs Acquire and Done on the network thread that read them: they only validate and hand the
   * request to the backend, whose answer comes back on another thread, so a hop to a call thread
   * would cost a thread wake-up per call and buy nothing. Every other call may wait on the database
   * and goes to the server's call threads.
   */
  static final ServerCallExecutorSupplier NON_BLOCKING_CALLS =
      new ServerCallExecutorSupplier() {
        @Override
        public <Q, R> Executor getExecutor(ServerCall<Q, R> call, Metadata headers) {
          String method = call.getMethodDescriptor().getFullMethodName();
          return method.equals(V1Grpc.getAcquireMethod().getFullMethodName())
                  || method.equals(V1Grpc.getDoneMethod().getFullMethodName())
              ? MoreExecutors.directExecutor()
              : null;
        }
      };

  /**
   * Watch streams one server serves at once; past it, RESOURCE_EXHAUSTED (the client library
   * retries with backoff). With {@link WatchStream#MAX_RESPONSE_NAME_BYTES} this bounds what
   * streams whose clients do not read can pin to about 1,000 × 160 KiB.
   */
  static final int MAX_WATCH_STREAMS = 1_000;

  private final Backend backend;
  private final ScheduledExecutorService watchExecutor;
  private final NamespaceTails tails;
  private final CallAccess access;
  private final Set<WatchStream> watches = ConcurrentHashMap.newKeySet();
  private final Semaphore watchSlots = new Semaphore(MAX_WATCH_STREAMS);
  private final AccordMeters meters;

  /** A service with authentication off: every caller may do everything. */
  public AccordV1Service(Backend backend, ScheduledExecutorService watchExecutor) {
    this(backend, watchExecutor, null);
  }

  /**
   * @param watchExecutor runs the Watch streams' looks at the backend
   * @param accessPolicy the access rules, with authentication on; null when it is off
   */
  public AccordV1Service(
      Backend backend, ScheduledExecutorService watchExecutor, AccessPolicy accessPolicy) {
    this(backend, watchExecutor, accessPolicy, AccordMeters.off());
  }

  /** A service that counts what it answers in {@code meters}. */
  public AccordV1Service(
      Backend backend,
      ScheduledExecutorService watchExecutor,
      AccessPolicy accessPolicy,
      AccordMeters meters) {
    this.meters = meters;
    meters.watchStreams(watches);
    this.backend = backend;
    this.watchExecutor = watchExecutor;
    this.tails = new NamespaceTails(backend, watchExecutor);
    this.access = new CallAccess(accessPolicy);
  }

  @Override
  public void acquire(AcquireRequest request, StreamObserver<AcquireResponse> response) {
    CompletableFuture<AcquireAnswer> result;
    try {
      AcquireCommand command =
          AcquireCommand.of(
              request.getOwner(),
              request.getNamespace(),
              request.getName(),
              Integer.toUnsignedLong(request.getTtl()),
              request.getMetadataMap());
      result =
          backend.acquireAsync(
              command.withHolder(access.require(command.namespace(), AccessRole.WORKER)));
    } catch (RuntimeException e) {
      response.onError(StatusErrors.toStatus("Acquire", e));
      return;
    }
    // The call thread is free while the backend works; the answer goes out from whichever thread
    // completes it.
    result.whenComplete(
        (answer, failure) -> {
          if (failure != null) {
            response.onError(StatusErrors.toStatus("Acquire", unwrap(failure)));
            return;
          }
          meters.acquired(answer);
          response.onNext(toResponse(answer));
          response.onCompleted();
        });
  }

  private static AcquireResponse toResponse(AcquireAnswer result) {
    return switch (result.outcome()) {
      case GRANTED ->
          AcquireResponse.newBuilder()
              .setStatus(Status.OK)
              .setHandle(Handles.toProto(result.resource(), true))
              .build();
      // The resource as it stands, without the handle ID: that belongs to another grant.
      case HELD ->
          AcquireResponse.newBuilder()
              .setStatus(Status.HELD)
              .setHandle(Handles.toProto(result.resource(), false))
              .build();
      case DONE ->
          AcquireResponse.newBuilder()
              .setStatus(Status.DONE)
              .setHandle(Handles.toProto(result.resource(), false))
              .build();
    };
  }

  /** What a backend's future failed with, without the wrapper a dependent stage adds. */
  private static Throwable unwrap(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause()
        : failure;
  }

  @Override
  public void renew(RenewRequest request, StreamObserver<RenewResponse> response) {
    try {
      backend.renew(
          RenewCommand.of(
                  request.getOwner(),
                  request.getHandleId().toByteArray(),
                  Integer.toUnsignedLong(request.getTtl()),
                  request.getMetadataMap())
              .withHolder(access.holder()));
    } catch (RuntimeException e) {
      meters.failed(e);
      response.onError(StatusErrors.toStatus("Renew", e));
      return;
    }
    meters.renewed();
    response.onNext(RenewResponse.getDefaultInstance());
    response.onCompleted();
  }

  @Override
  public void done(DoneRequest request, StreamObserver<DoneResponse> response) {
    CompletableFuture<Void> result;
    try {
      result =
          backend.doneAsync(
              DoneCommand.of(
                      request.getOwner(),
                      request.getHandleId().toByteArray(),
                      request.getMetadataMap())
                  .withHolder(access.holder()));
    } catch (RuntimeException e) {
      meters.failed(e);
      response.onError(StatusErrors.toStatus("Done", e));
      return;
    }
    result.whenComplete(
        (ignored, failure) -> {
          if (failure != null) {
            Throwable cause = unwrap(failure);
            meters.failed(cause);
            response.onError(StatusErrors.toStatus("Done", cause));
            return;
          }
          meters.done();
          response.onNext(DoneResponse.getDefaultInstance());
          response.onCompleted();
        });
  }

  @Override
  public void claim(ClaimRequest request, StreamObserver<ClaimResponse> response) {
    ClaimResponse answer;
    try {
      ClaimCommand command =
          ClaimCommand.of(
              request.getOwner(),
              request.getNamespace(),
              request.getNamesList(),
              Integer.toUnsignedLong(request.getMax()),
              Integer.toUnsignedLong(request.getTtl()),
              request.getMetadataMap());
      ClaimAnswer result =
          backend.claim(command.withHolder(access.require(command.namespace(), AccessRole.WORKER)));
      meters.claimed(result);
      ClaimResponse.Builder builder =
          ClaimResponse.newBuilder().addAllDone(result.done()).addAllHeld(result.held());
      for (Resource grant : result.granted()) {
        builder.addGranted(Handles.toProto(grant, true));
      }
      answer = builder.build();
    } catch (RuntimeException e) {
      response.onError(StatusErrors.toStatus("Claim", e));
      return;
    }
    response.onNext(answer);
    response.onCompleted();
  }

  @Override
  public void list(ListRequest request, StreamObserver<Handle> response) {
    ListQuery query;
    try {
      query = toQuery(request).within(access.readable());
    } catch (RuntimeException e) {
      response.onError(StatusErrors.toStatus("List", e));
      return;
    }
    new ListStream(
            backend,
            query,
            access.showsHandleId(),
            LIST_PAGE_SIZE,
            (ServerCallStreamObserver<Handle>) response)
        .start();
  }

  @Override
  public void watch(WatchRequest request, StreamObserver<WatchResponse> response) {
    String namespace;
    DoneCursor cursor;
    DoneCursor removalsAfter;
    try {
      namespace =
          InputChecks.requireText(
              "namespace", request.getNamespace(), InputLimits.MAX_NAMESPACE_CHARS);
      access.require(namespace, AccessRole.READER);
      if (request.getFromStart() && !request.getCursor().isEmpty()) {
        throw new InvalidArgumentException("cursor", "must be empty when from_start is set");
      }
      if (request.getFromStart()) {
        // Taken first: every removal before it is reflected in the rows the stream reads after.
        removalsAfter = backend.currentDoneCursor();
        cursor = backend.firstDoneCursor();
      } else if (request.getCursor().isEmpty()) {
        cursor = backend.currentDoneCursor();
        removalsAfter = cursor;
      } else {
        cursor = DoneCursor.fromBytes("cursor", request.getCursor().toByteArray());
        removalsAfter = cursor;
      }
    } catch (RuntimeException e) {
      response.onError(StatusErrors.toStatus("Watch", e));
      return;
    }
    if (!watchSlots.tryAcquire()) {
      response.onError(
          io.grpc.Status.RESOURCE_EXHAUSTED
              .withDescription(
                  "this server already serves "
                      + MAX_WATCH_STREAMS
                      + " Watch streams: watch again later, or through another replica")
              .asRuntimeException());
      return;
    }
    AtomicReference<WatchStream> self = new AtomicReference<>();
    WatchStream stream =
        new WatchStream(
            backend,
            tails,
            namespace,
            cursor,
            removalsAfter,
            request.getFromStart(),
            (ServerCallStreamObserver<WatchResponse>) response,
            watchExecutor,
            () -> {
              if (watches.remove(self.get())) {
                watchSlots.release();
              }
            },
            meters.watchNamesSent());
    self.set(stream);
    watches.add(stream);
    stream.start();
  }

  /**
   * Ends every Watch with UNAVAILABLE, so clients resume from their cursor on another replica at
   * once instead of holding a shutting-down server for its whole grace period.
   */
  public void endWatches() {
    for (WatchStream stream : List.copyOf(watches)) {
      stream.end(io.grpc.Status.UNAVAILABLE.withDescription("server shutting down: watch again"));
    }
  }

  private static ListQuery toQuery(ListRequest request) {
    ListRequest.Filter filter = request.getFilter();
    ListQuery.StateFilter state =
        switch (filter.getStatus()) {
          case ALL -> ListQuery.StateFilter.ALL;
          case DONE -> ListQuery.StateFilter.DONE;
          case PENDING -> ListQuery.StateFilter.PENDING;
          case HELD -> ListQuery.StateFilter.HELD;
          case AVAILABLE -> ListQuery.StateFilter.AVAILABLE;
          case UNRECOGNIZED ->
              throw new InvalidArgumentException(
                  "filter.status",
                  "unknown value "
                      + filter.getStatusValue()
                      + ", expected ALL, DONE, PENDING, HELD or AVAILABLE");
        };
    return new ListQuery(
        filter.getPrefix(),
        state,
        filter.getMetadataMap(),
        request.getOffset(),
        NamespaceScope.EVERYTHING,
        filter.getNamespace());
  }
}
