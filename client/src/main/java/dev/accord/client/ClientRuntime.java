package dev.accord.client;

import java.util.Map;

/**
 * The parts one client runs on, started together from its settings and closed in order: the call
 * layer, the open leases, the done-cache with the feed that fills it, the meters, and the scope of
 * the client's own namespace.
 */
final class ClientRuntime {
  final Calls calls;
  final OpenLeases leases;
  final DoneCache cache = new DoneCache();

  /** The done feed, or null when the client keeps no done-cache. */
  final DoneFeed feed;

  final Scope scope;
  private final ClientMetrics metrics;

  ClientRuntime(ClientSettings settings) {
    this.metrics = ClientMetrics.of(settings.meterRegistry);
    this.calls =
        new Calls(
            settings.connection(),
            settings.onClose,
            settings.callDeadline,
            settings.listener,
            settings.credentials,
            metrics);
    this.leases = new OpenLeases(calls, settings.owner);
    DoneNews doneNews = new DoneNews();
    this.feed =
        settings.doneCache ? new DoneFeed(calls, settings.namespace, cache, doneNews) : null;
    ClientParts parts =
        new ClientParts(
            calls,
            leases,
            settings.namespace,
            cache,
            feed == null ? null : doneNews,
            Map.copyOf(settings.defaultMetadata));
    this.scope = new Scope(parts, settings.namespace, settings.ttl);
    metrics.observe(leases, cache, feed);
    if (feed != null) {
      feed.start();
    }
  }

  /**
   * Releases every lease still open (without retrying), stops the background work and closes the
   * connection.
   */
  void close() {
    if (calls.isClosed()) {
      return;
    }
    leases.releaseAll();
    if (feed != null) {
      feed.close();
    }
    calls.close();
    metrics.close();
  }
}
