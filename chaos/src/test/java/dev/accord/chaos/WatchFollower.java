package dev.accord.chaos;

import com.google.protobuf.ByteString;
import dev.accord.api.v1.V1Grpc;
import dev.accord.api.v1.WatchRequest;
import dev.accord.api.v1.WatchResponse;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Watch client as the README tells one to be: streams done names of one namespace, and after a
 * broken stream watches again from the last cursor it received, for as long as it runs. A refused
 * cursor (FAILED_PRECONDITION: another store, or too old) is counted and never retried: that client
 * would have to list again, which is what the failover test must not need.
 */
final class WatchFollower implements Runnable {
  private final ManagedChannel channel;
  private final String namespace;
  private final Set<String> names = ConcurrentHashMap.newKeySet();
  private final CountDownLatch watching = new CountDownLatch(1);
  private final AtomicInteger reconnects = new AtomicInteger();
  private volatile ByteString cursor = ByteString.EMPTY;
  private volatile String refused;
  private final Context.CancellableContext context = Context.current().withCancellation();
  private volatile boolean stopped;

  WatchFollower(ManagedChannel channel, String namespace) {
    this.channel = channel;
    this.namespace = namespace;
  }

  @Override
  public void run() {
    context.run(this::follow);
  }

  private void follow() {
    while (!stopped && refused == null) {
      try {
        Iterator<WatchResponse> stream =
            V1Grpc.newBlockingStub(channel)
                .watch(WatchRequest.newBuilder().setNamespace(namespace).setCursor(cursor).build());
        while (!stopped && stream.hasNext()) {
          WatchResponse response = stream.next();
          names.addAll(response.getNamesList());
          cursor = response.getCursor();
          watching.countDown();
        }
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.FAILED_PRECONDITION) {
          refused = e.getStatus().getDescription();
          return;
        }
        // The stream broke (the server lost its database, or the call was cancelled): again
        // from the last cursor.
        reconnects.incrementAndGet();
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Waits for the first response: from then on every done mark reaches this follower. */
  boolean awaitWatching(long seconds) throws InterruptedException {
    return watching.await(seconds, TimeUnit.SECONDS);
  }

  /** Ends the stream: cancels the call it waits in. */
  void stop() {
    stopped = true;
    context.cancel(null);
  }

  /** Every done name received so far. */
  Set<String> names() {
    return Set.copyOf(names);
  }

  /** How often the stream broke and was resumed from its cursor. */
  int reconnects() {
    return reconnects.get();
  }

  /** Why the server refused the cursor, or null while it never did. */
  String refused() {
    return refused;
  }
}
