package dev.accord.server.grpc;

import dev.accord.server.backend.Backend;
import dev.accord.server.backend.DoneCursor;
import dev.accord.server.backend.DonePage;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one look at a namespace's newest done marks that every Watch stream of it on this server
 * shares once it has caught up: a done notification costs one read however many streams follow the
 * namespace, and each page read goes to every joined stream.
 *
 * <p>The tail reads from its own cursor; a stream may join with a cursor a little before or after
 * it (it read on its own until the present, at another moment), so each stream takes the part of a
 * page after its own cursor, and one ahead waits for a page that reaches it. The previous page is
 * kept so a stream that joined while a look was under way is not sent back. A stream that cannot
 * take its part now (flow control) or has fallen behind both pages leaves and reads on its own
 * again: the tail never holds pages for a slow reader, and never waits for one.
 */
final class NamespaceTail {
  private static final Logger log = LoggerFactory.getLogger(NamespaceTail.class);
  private static final long TIMER_MILLIS = 2_000;
  private static final long PENDING_RETRY_MILLIS = 25;

  private final Backend backend;
  private final String namespace;
  private final ScheduledExecutorService executor;
  private final NamespaceTails tails;
  private final Set<WatchStream> streams = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean lookScheduled = new AtomicBoolean();

  /** Held for a whole look, so pages reach each stream one at a time and in order. */
  private final Object looking = new Object();

  private volatile DoneCursor cursor;
  private TailPage previous;
  private AutoCloseable subscription;
  private ScheduledFuture<?> timer;

  NamespaceTail(
      Backend backend, String namespace, ScheduledExecutorService executor, NamespaceTails tails) {
    this.backend = backend;
    this.namespace = namespace;
    this.executor = executor;
    this.tails = tails;
  }

  NamespaceTail start() {
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
    return this;
  }

  /** The first stream's cursor becomes the tail's: the tail then reads on from where it is. */
  void add(WatchStream stream, DoneCursor streamCursor) {
    if (cursor == null) {
      cursor = streamCursor;
    }
    streams.add(stream);
  }

  /** Returns whether no stream is left. */
  boolean remove(WatchStream stream) {
    streams.remove(stream);
    return streams.isEmpty();
  }

  void close() {
    timer.cancel(false);
    try {
      subscription.close();
    } catch (Exception e) {
      log.warn("Could not stop listening for done marks of namespace {}", namespace, e);
    }
  }

  private void wake() {
    if (lookScheduled.compareAndSet(false, true)) {
      executor.execute(
          () -> {
            lookScheduled.set(false);
            look();
          });
    }
  }

  private void look() {
    synchronized (looking) {
      if (streams.isEmpty()) {
        return;
      }
      try {
        while (true) {
          DoneCursor from = cursor;
          DonePage page =
              WatchStream.bounded(backend.donesAfter(namespace, from, from, WatchStream.PAGE_SIZE));
          cursor = page.next();
          TailPage read = TailPage.of(page, from);
          for (WatchStream stream : streams) {
            feed(stream, read);
          }
          previous = read;
          if (!page.morePending()) {
            return;
          }
          if (page.isEmpty()) {
            // Marks are committed past the horizon: an older transaction is still open.
            executor.schedule(this::wake, PENDING_RETRY_MILLIS, TimeUnit.MILLISECONDS);
            return;
          }
        }
      } catch (RuntimeException e) {
        for (WatchStream stream : streams) {
          tails.leave(namespace, stream);
          stream.fail(e);
        }
      }
    }
  }

  private void feed(WatchStream stream, TailPage read) {
    WatchStream.Delivery delivery = stream.deliver(read);
    if (delivery == WatchStream.Delivery.BEHIND && previous != null) {
      delivery = stream.deliver(previous);
      if (delivery == WatchStream.Delivery.KEPT) {
        delivery = stream.deliver(read);
      }
    }
    if (delivery != WatchStream.Delivery.KEPT) {
      tails.leave(namespace, stream);
      stream.readAlone();
    }
  }
}
