package dev.accord.server.backend;

import dev.accord.server.backend.LeaseRejectedException.Reason;

/** Decides whether a renew or done may act through a handle, the same way for every backend. */
public final class GrantCheck {
  /**
   * The nonce of a grant ended by Release or Reset: no handle is ever issued with it, so the handle
   * of the ended grant (same grant number, another nonce) is told apart from a forged one.
   */
  public static final int ENDED_NONCE = 0;

  private GrantCheck() {}

  /** A nonce for a new grant: random, never {@link #ENDED_NONCE}. */
  public static int newNonce() {
    int nonce;
    do {
      nonce = java.util.concurrent.ThreadLocalRandom.current().nextInt();
    } while (nonce == ENDED_NONCE);
    return nonce;
  }

  /**
   * Returns why {@code owner}, sent by the caller {@code holder}, may not act through {@code
   * handle} (opened with the store's key) on a resource whose current grant is ({@code
   * currentGrant}, {@code currentNonce}, {@code currentOwner}, {@code currentHolder}), or null when
   * it may. A row found with another nonce is an ID never issued (forged or altered), so it is
   * unknown, as is a grant number from the future. An empty {@code holder} (authentication off) is
   * not checked; a non-empty one must be the grant's, before the owner is.
   */
  public static LeaseRejectedException refusal(
      GrantRef handle,
      String owner,
      String holder,
      long currentGrant,
      int currentNonce,
      String currentOwner,
      String currentHolder,
      boolean done) {
    if (handle.grant() < currentGrant) {
      return new LeaseRejectedException(
          Reason.SUPERSEDED,
          "handle superseded: its lease expired and the resource was granted again (your grant "
              + handle.grant()
              + ", current grant "
              + currentGrant
              + ")");
    }
    if (handle.grant() == currentGrant
        && currentNonce == ENDED_NONCE
        && handle.nonce() != ENDED_NONCE) {
      return new LeaseRejectedException(
          Reason.SUPERSEDED,
          "handle superseded: an administrator released the lease or reset the resource (grant "
              + currentGrant
              + ")");
    }
    if (handle.grant() != currentGrant || handle.nonce() != currentNonce) {
      return unknown();
    }
    if (!holder.isEmpty() && !holder.equals(currentHolder)) {
      return new LeaseRejectedException(
          Reason.NOT_HOLDER,
          "handle belongs to another caller: \"" + holder + "\" does not hold this grant");
    }
    if (!currentOwner.equals(owner)) {
      return new LeaseRejectedException(
          Reason.NOT_OWNER,
          "handle belongs to another owner: owner \"" + owner + "\" does not hold this grant");
    }
    if (done) {
      return new LeaseRejectedException(
          Reason.DONE, "resource already done: this grant marked it done before");
    }
    return null;
  }

  public static LeaseRejectedException unknown() {
    return new LeaseRejectedException(
        Reason.UNKNOWN_HANDLE,
        "unknown handle: no grant with this handle ID exists in this Accord store");
  }
}
