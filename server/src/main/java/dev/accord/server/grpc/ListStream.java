package dev.accord.server.grpc;

import dev.accord.api.v1.Handle;
import dev.accord.server.backend.Backend;
import dev.accord.server.backend.ListQuery;
import dev.accord.server.backend.Resource;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Predicate;

/**
 * Streams a List with flow control: the next page is read from the backend only once the previous
 * one has been handed to gRPC and the client can take more. A slow reader costs one page of memory
 * and no open query or connection; a cancelled call reads nothing more. A row shows its handle ID
 * only when {@code showsHandleId} says so.
 *
 * <p>gRPC never runs two callbacks of one call at once, and {@link #start()} runs in one of them,
 * so the fields need no lock.
 */
final class ListStream {
  private final Backend backend;
  private final ListQuery query;
  private final Predicate<Resource> showsHandleId;
  private final int pageSize;
  private final ServerCallStreamObserver<Handle> call;
  private final ArrayDeque<Resource> buffer = new ArrayDeque<>();
  private Resource last;
  private boolean exhausted;
  private boolean finished;

  ListStream(
      Backend backend,
      ListQuery query,
      Predicate<Resource> showsHandleId,
      int pageSize,
      ServerCallStreamObserver<Handle> call) {
    this.backend = backend;
    this.query = query;
    this.showsHandleId = showsHandleId;
    this.pageSize = pageSize;
    this.call = call;
  }

  void start() {
    call.setOnCancelHandler(() -> finished = true);
    call.setOnReadyHandler(this::drain);
    // The call may have been ready before the handler was set; a spare drain is harmless.
    drain();
  }

  private void drain() {
    try {
      while (!finished && call.isReady()) {
        if (buffer.isEmpty()) {
          if (exhausted) {
            finished = true;
            call.onCompleted();
            return;
          }
          readPage();
          continue;
        }
        Resource next = buffer.poll();
        call.onNext(Handles.toProto(next, showsHandleId.test(next)));
      }
    } catch (RuntimeException e) {
      if (!finished) {
        finished = true;
        call.onError(StatusErrors.toStatus("List", e));
      }
    }
  }

  private void readPage() {
    List<Resource> page = backend.list(query, last, pageSize);
    buffer.addAll(page);
    if (!page.isEmpty()) {
      last = page.get(page.size() - 1);
    }
    exhausted = page.size() < pageSize;
  }
}
