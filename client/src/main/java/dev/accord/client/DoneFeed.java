package dev.accord.client;

import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.ByteString;
import dev.accord.api.ErrorReasons;
import dev.accord.api.v1.Handle;
import dev.accord.api.v1.ListRequest;
import dev.accord.api.v1.WatchRequest;
import dev.accord.api.v1.WatchResponse;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the done-cache complete: Watch the namespace from its start, which sends every name done so
 * far (the cache is warm at the response marked caught_up) and then follows new marks. After a
 * disconnect it watches again from the last cursor received, so nothing marked meanwhile is missed
 * (before warm: from the start again); a cursor the server no longer accepts starts it over. A
 * server that cannot watch from the start (an older Accord) answers with a bookmark of the present
 * instead: then List the done resources (everything before that cursor) and apply what Watch
 * streams. Against a server without Watch (the Go implementation) it lists once.
 *
 * <p>Names the stream says are no longer done (reset for a rerun, or deleted) leave the cache, all
 * of them at once for a whole namespace; a Watch that starts over from the start begins with an
 * empty cache, so a name removed while the client was away does not stay. (Servers old enough to
 * need the List send no removals.)
 */
final class DoneFeed implements AutoCloseable {
  /** Retries of a Watch or a List that failed, until the client closes. */
  private static final Backoff RETRY = new Backoff(100, 10_000);

  /**
   * List messages asked for ahead of those processed; more are asked for each time half have
   * arrived.
   */
  private static final int LIST_WINDOW = 1_024;

  private final Calls calls;
  private final String namespace;
  private final DoneCache cache;
  private final DoneNews news;
  private final CountDownLatch warm = new CountDownLatch(1);
  private volatile long startedNanos;
  private volatile long warmAfterNanos = -1;
  private volatile boolean closed;
  private volatile ClientCallStreamObserver<WatchRequest> watch;
  private ClientCallStreamObserver<ListRequest> listing;
  private ByteString cursor = ByteString.EMPTY;

  /** Watches that failed since one last delivered a response. */
  private int failedWatches;

  DoneFeed(Calls calls, String namespace, DoneCache cache, DoneNews news) {
    this.calls = calls;
    this.namespace = namespace;
    this.cache = cache;
    this.news = news;
  }

  void start() {
    startedNanos = System.nanoTime();
    watch(ByteString.EMPTY);
  }

  /** Seconds from {@link #start()} until the cache was first warm; NaN until then. */
  double warmSeconds() {
    long took = warmAfterNanos;
    return took < 0 ? Double.NaN : took / 1e9;
  }

  private void warmed() {
    if (warm.getCount() > 0) {
      warmAfterNanos = System.nanoTime() - startedNanos;
      warm.countDown();
    }
  }

  private boolean isWarm() {
    return warm.getCount() == 0;
  }

  boolean awaitWarm(Duration timeout) throws InterruptedException {
    return warm.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void watch(ByteString from) {
    if (closed) {
      return;
    }
    boolean fresh = from.isEmpty();
    // Its messages are taken on the network thread: a done reaches every client's stream, and
    // handing each message to an executor thread cost more than adding its names to the cache.
    calls
        .async()
        .withExecutor(MoreExecutors.directExecutor())
        .watch(
            WatchRequest.newBuilder()
                .setNamespace(namespace)
                .setCursor(from)
                .setFromStart(fresh)
                .build(),
            new ClientResponseObserver<WatchRequest, WatchResponse>() {
              private boolean first = true;

              @Override
              public void beforeStart(ClientCallStreamObserver<WatchRequest> call) {
                watch = call;
              }

              @Override
              public void onNext(WatchResponse response) {
                apply(response);
                synchronized (DoneFeed.this) {
                  cursor = response.getCursor();
                  failedWatches = 0;
                }
                if (response.getCaughtUp()) {
                  warmed();
                } else if (first && fresh && response.getNamesCount() == 0) {
                  // A server that ignored from_start: this bookmark is the present, and everything
                  // done before it is
                  // visible to a List that starts now.
                  startListing();
                }
                first = false;
              }

              @Override
              public void onError(Throwable error) {
                if (closed) {
                  return;
                }
                Status.Code code = Status.fromThrowable(error).getCode();
                if (code == Status.Code.UNIMPLEMENTED) {
                  calls
                      .listener()
                      .backgroundError(
                          "watching done marks (this server has no Watch: the done-cache "
                              + "is filled once and not kept live)",
                          error);
                  startListing();
                  return;
                }
                boolean expired =
                    code == Status.Code.FAILED_PRECONDITION
                        && CallFailures.errorReason(error)
                            .map(ErrorReasons.CURSOR_EXPIRED::equals)
                            .orElse(false);
                if (!CallFailures.isTransient(Status.fromThrowable(error))) {
                  calls.listener().backgroundError("watching done marks (reconnecting)", error);
                }
                reconnect(expired);
              }

              @Override
              public void onCompleted() {
                reconnect(false);
              }
            });
  }

  /**
   * Names no longer done leave the cache before the response's done names go in: a name in both
   * lists was removed, then done again.
   */
  private void apply(WatchResponse response) {
    if (response.getRemovedAll()) {
      cache.clear();
    }
    response.getRemovedList().forEach(cache::remove);
    for (String name : response.getNamesList()) {
      cache.add(name);
      news.heard(name);
    }
  }

  private synchronized void reconnect(boolean relist) {
    if (closed) {
      return;
    }
    // Until warm, only a from_start stream can say when the cache is complete: start over (adding a
    // name twice is
    // harmless).
    ByteString from = relist || !isWarm() ? ByteString.EMPTY : cursor;
    calls.schedule(
        () -> {
          calls.reconnectNow();
          if (from.isEmpty()) {
            // Names removed while this client was away are in no stream: start from nothing.
            cache.clear();
          }
          watch(from);
        },
        RETRY.delayMillis(failedWatches++));
  }

  /**
   * Lists the namespace's done resources into the cache; retried until it succeeds or the client
   * closes.
   *
   * <p>Asynchronous, with messages asked for {@link #LIST_WINDOW} at a time: a blocking iterator
   * asks for one message at a time, which costs two thread hand-offs per name and makes a List of a
   * million names take several times longer. The names are added on the channel's executor (never
   * on the transport's event loop), where this call's callbacks run one at a time, so the client's
   * renewals, on other threads, are not held up.
   */
  private void startListing() {
    list(0);
  }

  /**
   * @param failedLists how many Lists in a row failed before this one
   */
  private void list(int failedLists) {
    if (closed) {
      return;
    }
    ListRequest request =
        ListRequest.newBuilder()
            .setFilter(
                ListRequest.Filter.newBuilder()
                    .setPrefix(namespace)
                    .setStatus(ListRequest.Filter.Status.DONE))
            .build();
    calls
        .async()
        .list(
            request,
            new ClientResponseObserver<ListRequest, Handle>() {
              private ClientCallStreamObserver<ListRequest> call;
              private int sinceRequest;

              @Override
              public void beforeStart(ClientCallStreamObserver<ListRequest> call) {
                this.call = call;
                call.disableAutoRequestWithInitial(LIST_WINDOW);
                synchronized (DoneFeed.this) {
                  listing = call;
                  if (closed) {
                    call.cancel("client closed", null);
                  }
                }
              }

              @Override
              public void onNext(Handle handle) {
                // The filter is a prefix: keep only this exact namespace.
                if (handle.getNamespace().equals(namespace)) {
                  cache.add(handle.getName());
                }
                if (++sinceRequest == LIST_WINDOW / 2) {
                  sinceRequest = 0;
                  call.request(LIST_WINDOW / 2);
                }
              }

              @Override
              public void onError(Throwable error) {
                if (closed) {
                  return;
                }
                calls
                    .listener()
                    .backgroundError("listing done resources for the done-cache (retrying)", error);
                synchronized (DoneFeed.this) {
                  if (closed) {
                    return;
                  }
                  calls.schedule(() -> list(failedLists + 1), RETRY.delayMillis(failedLists));
                }
              }

              @Override
              public void onCompleted() {
                warmed();
              }
            });
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (watch != null) {
      watch.cancel("client closed", null);
    }
    if (listing != null) {
      listing.cancel("client closed", null);
    }
  }
}
