package dev.accord.server.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.accord.api.v1.WatchResponse;
import dev.accord.server.backend.Backend;
import dev.accord.server.backend.DoneCursor;
import dev.accord.server.backend.DonePage;
import io.grpc.stub.ServerCallStreamObserver;
import io.micrometer.core.instrument.Counter;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Watch call: sends the done marks and removals of a namespace after its cursor, as the backend
 * makes them available.
 *
 * <p>Until it reaches the present it reads on its own: it looks when told a mark may be there (the
 * backend's done notifications), when the client can take more (flow control), soon again while
 * marks are pending past the backend's horizon, and on a slow timer in case a notification was
 * lost. Looks run on the shared watch executor, one at a time per stream; the stream holds no
 * database connection between them. At the present it joins its namespace's {@link NamespaceTail},
 * whose one look feeds every joined stream, and reads on its own again whenever it leaves it. While
 * nothing happens it sends a bookmark now and then, so a client's cursor stays close to the
 * present.
 */
final class WatchStream {
  private static final Logger log = LoggerFactory.getLogger(WatchStream.class);
  static final int PAGE_SIZE = 1_000;

  /**
   * Names per response while a from_start stream catches up: large pages make a million names
   * arrive in a couple of seconds, and 3,000 names of at most 255 characters stay under gRPC's
   * default 4 MiB message limit.
   */
  static final int CATCH_UP_PAGE_SIZE = 3_000;

  /**
   * Bytes of names (as encoded in a response) one Watch response carries at most. A stream whose
   * client does not read pins one response and gRPC's 32 KiB beyond it, so this bounds what an
   * unread stream can hold whatever the names' lengths: 3,000 names of 255 four-byte characters
   * would be 3 MB.
   */
  static final int MAX_RESPONSE_NAME_BYTES = 128 * 1024;

  /** What became of a stream the tail offered a page. */
  enum Delivery {
    /** It took its part of the page, or is ahead of it: it stays on the tail. */
    KEPT,
    /** Its cursor is before the page: the page cannot be its next. */
    BEHIND,
    /** It cannot take its part now, or has finished: it leaves the tail. */
    LEAVING
  }

  private static final long TIMER_MILLIS = 2_000;
  private static final long PENDING_RETRY_MILLIS = 25;
  private static final long BOOKMARK_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final Backend backend;
  private final NamespaceTails tails;
  private final String namespace;
  private final ServerCallStreamObserver<WatchResponse> call;
  private final ScheduledExecutorService executor;
  private final AtomicBoolean lookScheduled = new AtomicBoolean();
  private DoneCursor cursor;

  /** Removals at or before this are reflected in what the stream reads, so it skips them. */
  private final DoneCursor removalsAfter;

  /**
   * A from_start stream owes one caught_up response, on its first look that reaches the present.
   */
  private boolean owesCaughtUp;

  private long lastSentAt;

  /** The starting bookmark is owed until sent: the call may not be ready on the first look. */
  private boolean sentAny;

  private volatile boolean finished;

  /** Whether the namespace's tail feeds this stream: it does not look on its own meanwhile. */
  private volatile boolean joined;

  private AutoCloseable subscription;
  private ScheduledFuture<?> timer;

  private final Runnable onFinish;
  private final Counter namesSent;

  WatchStream(
      Backend backend,
      NamespaceTails tails,
      String namespace,
      DoneCursor cursor,
      DoneCursor removalsAfter,
      boolean fromStart,
      ServerCallStreamObserver<WatchResponse> call,
      ScheduledExecutorService executor,
      Runnable onFinish,
      Counter namesSent) {
    this.namesSent = namesSent;
    this.owesCaughtUp = fromStart;
    this.onFinish = onFinish;
    this.backend = backend;
    this.tails = tails;
    this.namespace = namespace;
    this.cursor = cursor;
    this.removalsAfter = removalsAfter;
    this.call = call;
    this.executor = executor;
  }

  /**
   * Called in the service method: wires callbacks, then the first look sends at least the starting
   * bookmark.
   */
  void start() {
    call.setOnCancelHandler(this::finish);
    call.setOnReadyHandler(this::wake);
    subscription =
        backend.subscribeDone(
            changed -> {
              if (changed == null || changed.equals(namespace)) {
                wake();
              }
            });
    timer =
        executor.scheduleWithFixedDelay(
            this::wake, TIMER_MILLIS, TIMER_MILLIS, TimeUnit.MILLISECONDS);
    executor.execute(this::look);
  }

  private void wake() {
    if (!finished && !joined && lookScheduled.compareAndSet(false, true)) {
      executor.execute(
          () -> {
            lookScheduled.set(false);
            look();
          });
    }
  }

  private synchronized void look() {
    if (finished || joined) {
      return;
    }
    try {
      boolean sent = false;
      boolean atPresent = false;
      while (call.isReady()) {
        DonePage page =
            bounded(
                backend.donesAfter(
                    namespace,
                    cursor,
                    removalsAfter,
                    owesCaughtUp ? CATCH_UP_PAGE_SIZE : PAGE_SIZE));
        cursor = page.next();
        atPresent = !page.morePending();
        if (!page.isEmpty() || (atPresent && owesCaughtUp)) {
          sendPage(page, atPresent && owesCaughtUp);
          owesCaughtUp &= !atPresent;
          sent = true;
        }
        if (atPresent) {
          break;
        }
        if (page.isEmpty()) {
          // Marks are committed past the horizon: an older transaction is still open. Look again
          // shortly.
          executor.schedule(this::wake, PENDING_RETRY_MILLIS, TimeUnit.MILLISECONDS);
          break;
        }
      }
      if (!sent
          && call.isReady()
          && (!sentAny || System.nanoTime() - lastSentAt > BOOKMARK_EVERY_NANOS)) {
        send(WatchResponse.newBuilder());
      }
      // Past its removals horizon the stream reads what the tail reads, so it can share it.
      if (atPresent && sentAny && !owesCaughtUp && cursor.isAtOrAfter(removalsAfter)) {
        joined = true;
        tails.join(namespace, this, cursor);
      }
    } catch (RuntimeException e) {
      fail(e);
    }
  }

  /**
   * Sends the part of the tail's page that this stream lacks; a bookmark instead when nothing is
   * owed and one is due.
   */
  synchronized Delivery deliver(TailPage read) {
    if (finished || !joined) {
      return Delivery.LEAVING;
    }
    if (!cursor.isAtOrAfter(read.from())) {
      return Delivery.BEHIND;
    }
    DonePage page = read.page();
    if (!cursor.isAtOrAfter(page.next())) {
      DonePage part = page.after(cursor);
      if (!part.isEmpty() && !call.isReady()) {
        return Delivery.LEAVING;
      }
      cursor = page.next();
      if (!part.isEmpty()) {
        if (part == page) {
          sent(read.whole(), page);
        } else {
          sendPage(part, false);
        }
        return Delivery.KEPT;
      }
    }
    if (call.isReady() && System.nanoTime() - lastSentAt > BOOKMARK_EVERY_NANOS) {
      send(WatchResponse.newBuilder());
    }
    return Delivery.KEPT;
  }

  /** Called once the tail no longer feeds this stream: it reads on its own from its cursor. */
  void readAlone() {
    joined = false;
    wake();
  }

  /** Ends the stream with the error a look met. */
  synchronized void fail(RuntimeException e) {
    if (!finished) {
      finish();
      call.onError(StatusErrors.toStatus("Watch", e));
    }
  }

  /**
   * The first changes of {@code page} whose names fit in {@link #MAX_RESPONSE_NAME_BYTES} (one at
   * least), ending at the last of them with more pending; the page itself when it fits. What is cut
   * off is read again on the next look.
   */
  static DonePage bounded(DonePage page) {
    int kept = page.removedAll() ? 1 : 0;
    long bytes = 0;
    for (List<String> names : List.of(page.removed(), page.names())) {
      for (String name : names) {
        bytes += CodedOutputStream.computeStringSize(1, name);
        if (bytes > MAX_RESPONSE_NAME_BYTES && kept > 0) {
          return prefix(page, kept);
        }
        kept++;
      }
    }
    return page;
  }

  private static DonePage prefix(DonePage page, int changes) {
    int removedAll = page.removedAll() ? 1 : 0;
    int removed = Math.min(page.removed().size(), changes - removedAll);
    return new DonePage(
        page.names().subList(0, changes - removedAll - removed),
        page.positions().get(changes - 1),
        true,
        page.removed().subList(0, removed),
        page.removedAll(),
        page.positions().subList(0, changes));
  }

  static WatchResponse.Builder responseOf(DonePage page, boolean caughtUp) {
    return WatchResponse.newBuilder()
        .addAllNames(page.names())
        .addAllRemoved(page.removed())
        .setRemovedAll(page.removedAll())
        .setCaughtUp(caughtUp);
  }

  private void sendPage(DonePage page, boolean caughtUp) {
    send(responseOf(page, caughtUp));
    namesSent.increment(page.names().size());
  }

  /** Sends {@code response}, whose cursor is this stream's, carrying {@code page}. */
  private void sent(WatchResponse response, DonePage page) {
    call.onNext(response);
    lastSentAt = System.nanoTime();
    sentAny = true;
    namesSent.increment(page.names().size());
  }

  private void send(WatchResponse.Builder response) {
    call.onNext(response.setCursor(ByteString.copyFrom(cursor.toBytes())).build());
    lastSentAt = System.nanoTime();
    sentAny = true;
  }

  /**
   * Ends the stream with {@code status}: the server is going away and the client should resume
   * elsewhere.
   */
  synchronized void end(io.grpc.Status status) {
    if (!finished) {
      finish();
      call.onError(status.asRuntimeException());
    }
  }

  private void finish() {
    finished = true;
    tails.leave(namespace, this);
    onFinish.run();
    if (timer != null) {
      timer.cancel(false);
    }
    if (subscription != null) {
      try {
        subscription.close();
      } catch (Exception e) {
        log.warn("Could not stop listening for done marks of a finished Watch", e);
      }
    }
  }
}
