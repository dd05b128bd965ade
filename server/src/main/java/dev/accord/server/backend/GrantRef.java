package dev.accord.server.backend;

import java.nio.ByteBuffer;

/**
 * Which grant a handle ID stands for: the resource's row ID, the grant number (the num_acquired it
 * was granted with) and a random nonce drawn for that grant. {@link HandleKey} turns it into the
 * {@link HandleId} clients see and back.
 *
 * <p>The grant number lets Renew and Done tell a handle superseded by a newer grant from one that
 * never existed, without keeping every past handle; the nonce tells the current grant's handle from
 * any other with the same row and number.
 */
public record GrantRef(long resourceId, long grant, int nonce) {
  static final int LENGTH = HandleId.LENGTH;

  public GrantRef {
    if (grant < 0 || grant > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("grant out of uint32 range: " + grant);
    }
  }

  /** The layout: row ID (8 bytes) | grant (4) | nonce (4), big-endian. */
  byte[] toBlock() {
    return ByteBuffer.allocate(LENGTH)
        .putLong(resourceId)
        .putInt((int) grant)
        .putInt(nonce)
        .array();
  }

  static GrantRef fromBlock(byte[] block) {
    ByteBuffer buffer = ByteBuffer.wrap(block);
    return new GrantRef(buffer.getLong(), Integer.toUnsignedLong(buffer.getInt()), buffer.getInt());
  }
}
