package dev.accord.client;

import dev.accord.api.v1.Handle;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The leases one client holds, and the terms it holds them under (its owner and TTL). A lease is
 * registered as it is granted and forgotten when it ends, so that closing the client can release
 * the ones still open.
 */
final class OpenLeases {
  private final Calls calls;
  private final String owner;
  private final Duration ttl;
  private final DoneCache cache;
  private final Set<Lease> open = ConcurrentHashMap.newKeySet();

  OpenLeases(Calls calls, String owner, Duration ttl, DoneCache cache) {
    this.calls = calls;
    this.owner = owner;
    this.ttl = ttl;
    this.cache = cache;
  }

  /**
   * The lease on a grant answering a request sent at {@code sentAtNanos}; it renews itself from now
   * on.
   */
  Lease open(Handle grant, long sentAtNanos) {
    Lease lease = new Lease(calls, this, grant, sentAtNanos);
    open.add(lease);
    lease.startRenewing();
    return lease;
  }

  String owner() {
    return owner;
  }

  Duration ttl() {
    return ttl;
  }

  int ttlSeconds() {
    return (int) ttl.toSeconds();
  }

  /** {@code lease} is done, discarded or lost: there is nothing left to release. */
  void ended(Lease lease) {
    open.remove(lease);
  }

  /**
   * {@code lease} marked its resource done: later acquires of the name are answered without a call.
   */
  void markedDone(Lease lease) {
    cache.add(lease.name());
  }

  /** The client is closing: release every lease still open, without waiting or retrying. */
  void releaseAll() {
    for (Lease lease : List.copyOf(open)) {
      lease.releaseAsClientCloses();
    }
  }
}
