package dev.accord.server.backend;

import java.nio.ByteBuffer;
import java.util.UUID;

/**
 * A position in the stream of done marks of a store: every mark at or before it has been delivered.
 * Opaque to clients; it names its store, so a cursor from another database (or a wiped one) is
 * recognised and refused.
 *
 * @param store the store that issued it
 * @param position the store's ordering key (a transaction ID horizon in PostgreSQL, a revision in
 *     memory)
 * @param tiebreak orders marks that share a position (0: before every mark at the position)
 */
public record DoneCursor(UUID store, long position, long tiebreak) {
  private static final byte VERSION = 1;
  private static final int LENGTH = 1 + 16 + 8 + 8;

  /** Reads a cursor from the wire; {@code field} names it in the error when it is malformed. */
  public static DoneCursor fromBytes(String field, byte[] bytes) {
    if (bytes.length != LENGTH || bytes[0] != VERSION) {
      throw new InvalidArgumentException(
          field, "not a cursor this server issued (" + bytes.length + " bytes)");
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes, 1, LENGTH - 1);
    return new DoneCursor(
        new UUID(buffer.getLong(), buffer.getLong()), buffer.getLong(), buffer.getLong());
  }

  public byte[] toBytes() {
    return ByteBuffer.allocate(LENGTH)
        .put(VERSION)
        .putLong(store.getMostSignificantBits())
        .putLong(store.getLeastSignificantBits())
        .putLong(position)
        .putLong(tiebreak)
        .array();
  }

  /** Whether this cursor is at or past {@code other}. */
  public boolean isAtOrAfter(DoneCursor other) {
    return position > other.position || position == other.position && tiebreak >= other.tiebreak;
  }
}
