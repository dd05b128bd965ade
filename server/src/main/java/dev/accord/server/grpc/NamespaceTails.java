package dev.accord.server.grpc;

import dev.accord.server.backend.Backend;
import dev.accord.server.backend.DoneCursor;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The shared tails of this server's Watch streams, one per namespace while a stream of it has
 * joined: a tail starts with its first stream and stops with its last, so an idle namespace costs
 * no look and no timer.
 */
final class NamespaceTails {
  private final Backend backend;
  private final ScheduledExecutorService executor;
  private final Map<String, NamespaceTail> byNamespace = new HashMap<>();

  NamespaceTails(Backend backend, ScheduledExecutorService executor) {
    this.backend = backend;
    this.executor = executor;
  }

  /**
   * Feeds {@code stream}, whose cursor is {@code cursor}, from its namespace's tail from now on.
   */
  synchronized void join(String namespace, WatchStream stream, DoneCursor cursor) {
    byNamespace
        .computeIfAbsent(namespace, ns -> new NamespaceTail(backend, ns, executor, this).start())
        .add(stream, cursor);
  }

  /** Stops feeding {@code stream}; does nothing when it was not fed. */
  synchronized void leave(String namespace, WatchStream stream) {
    NamespaceTail tail = byNamespace.get(namespace);
    if (tail != null && tail.remove(stream)) {
      byNamespace.remove(namespace);
      tail.close();
    }
  }

  /** How many namespaces have a tail now. */
  synchronized int size() {
    return byNamespace.size();
  }
}
