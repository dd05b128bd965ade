package dev.accord.server.backend;

import dev.accord.api.InputLimits;
import java.nio.ByteBuffer;

/**
 * The 16-byte ID of one grant of one resource: the resource's row ID (8 bytes), the grant number,
 * i.e. the num_acquired it was granted with (4 bytes), and a random nonce drawn for that grant (4
 * bytes).
 *
 * <p>Encoding the grant in the ID is what lets Renew and Done tell a handle that was superseded by
 * a newer grant from one that never existed, without keeping every past handle. The nonce keeps a
 * handle from an earlier life of the database (say, a wiped data directory) from matching a new
 * grant that happens to reuse row ID and number.
 */
public record HandleId(long resourceId, long grant, int nonce) {
  public static final int LENGTH = InputLimits.HANDLE_ID_BYTES;

  public HandleId {
    if (grant < 0 || grant > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("grant out of uint32 range: " + grant);
    }
  }

  /**
   * Decodes a handle ID from the wire; {@code field} names it in the error when it is malformed.
   */
  public static HandleId fromBytes(String field, byte[] bytes) {
    if (bytes == null || bytes.length != LENGTH) {
      throw new InvalidArgumentException(
          field, "must be exactly " + LENGTH + " bytes, got " + (bytes == null ? 0 : bytes.length));
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    return new HandleId(buffer.getLong(), Integer.toUnsignedLong(buffer.getInt()), buffer.getInt());
  }

  public byte[] toBytes() {
    return ByteBuffer.allocate(LENGTH)
        .putLong(resourceId)
        .putInt((int) grant)
        .putInt(nonce)
        .array();
  }
}
