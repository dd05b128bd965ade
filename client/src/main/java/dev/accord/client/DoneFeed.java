package dev.accord.client;

import com.google.protobuf.ByteString;
import dev.accord.api.v1.Handle;
import dev.accord.api.v1.ListRequest;
import dev.accord.api.v1.WatchRequest;
import dev.accord.api.v1.WatchResponse;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the done-cache complete: Watch the namespace (its first answer is a cursor), List the done resources
 * (everything before that cursor), then apply what Watch streams. After a disconnect it watches again from the
 * last cursor received, so nothing marked meanwhile is missed; a cursor the server no longer accepts starts it
 * over with a List. Against a server without Watch (the Go implementation) it lists once, as that client did.
 */
final class DoneFeed implements AutoCloseable {
  private static final long MAX_BACKOFF_MILLIS = 10_000;

  private final AccordClient client;
  private final DoneCache cache;
  private final CountDownLatch warm = new CountDownLatch(1);
  private volatile boolean closed;
  private volatile ClientCallStreamObserver<WatchRequest> watch;
  private Context.CancellableContext listing;
  private ByteString cursor = ByteString.EMPTY;
  private long backoffMillis;

  DoneFeed(AccordClient client, DoneCache cache) {
    this.client = client;
    this.cache = cache;
  }

  void start() {
    watch(ByteString.EMPTY);
  }

  boolean awaitWarm(Duration timeout) throws InterruptedException {
    return warm.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void watch(ByteString from) {
    if (closed) {
      return;
    }
    boolean fresh = from.isEmpty();
    client.asyncStub().watch(WatchRequest.newBuilder().setNamespace(client.namespace()).setCursor(from).build(),
        new ClientResponseObserver<WatchRequest, WatchResponse>() {
          private boolean first = true;

          @Override
          public void beforeStart(ClientCallStreamObserver<WatchRequest> call) {
            watch = call;
          }

          @Override
          public void onNext(WatchResponse response) {
            response.getNamesList().forEach(cache::add);
            synchronized (DoneFeed.this) {
              cursor = response.getCursor();
              backoffMillis = 0;
            }
            if (first && fresh) {
              // Everything done before this cursor is visible to a List that starts now.
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
              client.listener().backgroundError("watching done marks (this server has no Watch: the done-cache "
                  + "is filled once and not kept live)", error);
              startListing();
              return;
            }
            boolean expired = code == Status.Code.FAILED_PRECONDITION
                && AccordClient.errorReason(error).map("CURSOR_EXPIRED"::equals).orElse(false);
            if (!AccordClient.isTransient(Status.fromThrowable(error))) {
              client.listener().backgroundError("watching done marks (reconnecting)", error);
            }
            reconnect(expired);
          }

          @Override
          public void onCompleted() {
            reconnect(false);
          }
        });
  }

  private synchronized void reconnect(boolean relist) {
    if (closed) {
      return;
    }
    ByteString from = relist ? ByteString.EMPTY : cursor;
    backoffMillis = backoffMillis == 0 ? 100 : Math.min(backoffMillis * 2, MAX_BACKOFF_MILLIS);
    long wait = ThreadLocalRandom.current().nextLong(backoffMillis / 2, backoffMillis + 1);
    client.scheduler().schedule(() -> {
      client.reconnectNow();
      watch(from);
    }, wait, TimeUnit.MILLISECONDS);
  }

  /** On a thread of its own: a List of millions of names must not hold up the client's renewals. */
  private void startListing() {
    Thread thread = new Thread(this::listDone, "accord-done-list");
    thread.setDaemon(true);
    thread.start();
  }

  /** Lists the namespace's done resources into the cache; retried until it succeeds or the client closes. */
  private void listDone() {
    long retryMillis = 100;
    while (!closed) {
      Context.CancellableContext context;
      synchronized (this) {
        context = Context.current().withCancellation();
        listing = context;
      }
      try {
        context.run(() -> {
          Iterator<Handle> done = client.blockingStub().list(ListRequest.newBuilder()
              .setFilter(ListRequest.Filter.newBuilder().setPrefix(client.namespace())
                  .setStatus(ListRequest.Filter.Status.DONE))
              .build());
          while (done.hasNext()) {
            Handle handle = done.next();
            // The filter is a prefix: keep only this exact namespace.
            if (handle.getNamespace().equals(client.namespace())) {
              cache.add(handle.getName());
            }
          }
        });
        warm.countDown();
        return;
      } catch (RuntimeException e) {
        if (closed) {
          return;
        }
        client.listener().backgroundError("listing done resources for the done-cache (retrying)", e);
        try {
          Thread.sleep(ThreadLocalRandom.current().nextLong(retryMillis / 2, retryMillis + 1));
        } catch (InterruptedException interrupted) {
          return;
        }
        retryMillis = Math.min(retryMillis * 2, MAX_BACKOFF_MILLIS);
      } finally {
        context.close();
      }
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (watch != null) {
      watch.cancel("client closed", null);
    }
    if (listing != null) {
      listing.cancel(null);
    }
  }
}
