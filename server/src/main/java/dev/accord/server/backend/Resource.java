package dev.accord.server.backend;

import java.util.Map;

/**
 * A resource as stored, seen through its current grant.
 *
 * @param handleId the current grant's handle
 * @param expiresAtMillis lease expiry, Unix milliseconds on the store's clock
 * @param doneAtMillis when it was marked done, Unix milliseconds; 0 while not done
 * @param numAcquired how many grants it has had: the fencing token of the current grant
 * @param holder the authenticated caller the current grant was given to; empty when it was given
 *     with authentication off
 */
public record Resource(
    HandleId handleId,
    String namespace,
    String name,
    String owner,
    long expiresAtMillis,
    long doneAtMillis,
    long numAcquired,
    Map<String, String> metadata,
    String holder) {

  public boolean isDone() {
    return doneAtMillis != 0;
  }
}
