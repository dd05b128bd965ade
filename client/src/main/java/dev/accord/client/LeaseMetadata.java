package dev.accord.client;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A lease's metadata: what the server holds, and what the worker set that has not gone out yet. An
 * entry set while a renewal is in flight stays pending until a later renewal or the done carries
 * it.
 */
final class LeaseMetadata {
  private final Map<String, String> stored = new ConcurrentHashMap<>();
  private final Map<String, String> pending = new ConcurrentHashMap<>();

  LeaseMetadata(Map<String, String> fromServer) {
    stored.putAll(fromServer);
  }

  /** Everything as the worker sees it: the stored entries under what it set since. */
  Map<String, String> view() {
    Map<String, String> view = new HashMap<>(stored);
    view.putAll(pending);
    return Map.copyOf(view);
  }

  void set(String key, String value) {
    pending.put(key, value);
  }

  /** What the next call should carry: the pending entries under {@code extra}. */
  Map<String, String> outgoing(Map<String, String> extra) {
    Map<String, String> sending = new HashMap<>(pending);
    sending.putAll(extra);
    return sending;
  }

  /**
   * What {@code sending} carried is now the server's: keep it, and drop pending entries nobody
   * changed since.
   */
  void sent(Map<String, String> sending) {
    stored.putAll(sending);
    sending.forEach(pending::remove);
  }
}
