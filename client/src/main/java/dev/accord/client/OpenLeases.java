package dev.accord.client;

import dev.accord.api.v1.Handle;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The leases one client holds, and the owner it holds them as. A lease is registered as it is
 * granted and forgotten when it ends, so that closing the client can release the ones still open.
 */
final class OpenLeases {
  private final Calls calls;
  private final String owner;
  private final Set<Lease> open = ConcurrentHashMap.newKeySet();

  OpenLeases(Calls calls, String owner) {
    this.calls = calls;
    this.owner = owner;
  }

  /**
   * The lease on a grant answering a request sent at {@code sentAtNanos}; it renews itself from now
   * on.
   */
  Lease open(Handle grant, long sentAtNanos, Duration ttl, DoneCache cache) {
    Lease lease = new Lease(calls, this, grant, sentAtNanos, ttl, cache);
    open.add(lease);
    lease.startRenewing();
    return lease;
  }

  String owner() {
    return owner;
  }

  /** {@code lease} is done, discarded or lost: there is nothing left to release. */
  void ended(Lease lease) {
    open.remove(lease);
  }

  /** How many leases are open now. */
  int size() {
    return open.size();
  }

  /** The client is closing: release every lease still open, without waiting or retrying. */
  void releaseAll() {
    for (Lease lease : List.copyOf(open)) {
      lease.releaseAsClientCloses();
    }
  }
}
