package dev.accord.server.backend;

import dev.accord.api.InputLimits;
import java.nio.ByteBuffer;

/**
 * The 16-byte ID of one grant as clients see it: opaque, unforgeable, and the same on every replica
 * of one store.
 *
 * <p>Construction: the ID is AES-128 of one 16-byte block, the grant's {@link GrantRef} layout (row
 * ID 8 | grant number 4 | nonce 4, big-endian), under the store's {@link HandleKey}: a random key
 * kept once per database (in memory: per process). AES is a keyed pseudo-random permutation, so
 * {@link HandleKey#open} maps every 16-byte string, genuine or not, to some layout, and only a
 * genuine ID maps to a current grant.
 *
 * <p>Bound: to an attacker without the key, an ID it did not receive opens to a layout
 * indistinguishable from one drawn at random among those not yet seen. With {@code N} grants
 * current in the store, {@code q} forged or altered IDs hit one with probability at most {@code q N
 * / (2^128 - s)} (s: IDs seen) plus AES-128's PRP advantage; forging one grant takes about 2^127
 * tries, far beyond 2^64. A one-bit change of a genuine ID opens to an unrelated layout: its row ID
 * is random over 2^64 values, so it names no row and is refused as {@code UNKNOWN_HANDLE}. The ID
 * hides the row ID and grant number, which are not secret, and proves nothing about the caller:
 * whoever holds an ID may act through it, subject to the owner (and, with authentication, holder)
 * checks.
 */
public record HandleId(long high, long low) {
  public static final int LENGTH = InputLimits.HANDLE_ID_BYTES;

  /**
   * Reads a handle ID from the wire; {@code field} names it in the error when it is not 16 bytes.
   */
  public static HandleId fromBytes(String field, byte[] bytes) {
    if (bytes == null || bytes.length != LENGTH) {
      throw new InvalidArgumentException(
          field, "must be exactly " + LENGTH + " bytes, got " + (bytes == null ? 0 : bytes.length));
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    return new HandleId(buffer.getLong(), buffer.getLong());
  }

  public byte[] toBytes() {
    return ByteBuffer.allocate(LENGTH).putLong(high).putLong(low).array();
  }
}
