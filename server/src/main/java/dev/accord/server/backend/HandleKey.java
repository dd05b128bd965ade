package dev.accord.server.backend;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret that turns a {@link GrantRef} into the {@link HandleId} clients see and back: AES-128
 * on one block, no padding, no mode beyond the block itself (see {@link HandleId} for why that is
 * enough and what it bounds). One key per store, shared by all of its replicas.
 */
public final class HandleKey {
  /** AES-128: 16 bytes of key. */
  public static final int KEY_BYTES = 16;

  private static final String TRANSFORMATION = "AES/ECB/NoPadding";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;

  // A Cipher is not thread-safe; one initialised pair per thread avoids redoing the key schedule.
  private final ThreadLocal<Cipher> sealing =
      ThreadLocal.withInitial(() -> cipher(Cipher.ENCRYPT_MODE));
  private final ThreadLocal<Cipher> opening =
      ThreadLocal.withInitial(() -> cipher(Cipher.DECRYPT_MODE));

  private HandleKey(byte[] key) {
    this.key = new SecretKeySpec(key, "AES");
  }

  /** A key from its 16 bytes, as stored; {@code source} names where they came from in the error. */
  public static HandleKey of(String source, byte[] key) {
    if (key == null || key.length != KEY_BYTES) {
      throw new IllegalStateException(
          source
              + ": a handle key must be "
              + KEY_BYTES
              + " bytes, got "
              + (key == null ? "none" : key.length));
    }
    return new HandleKey(key.clone());
  }

  /** A new random key, for a store that lives in one process. */
  public static HandleKey random() {
    byte[] key = new byte[KEY_BYTES];
    RANDOM.nextBytes(key);
    return new HandleKey(key);
  }

  public HandleId seal(GrantRef grant) {
    return HandleId.fromBytes("handle_id", run(sealing.get(), grant.toBlock()));
  }

  /** The grant {@code handle} stands for if it is genuine; any other ID opens to a random one. */
  public GrantRef open(HandleId handle) {
    return GrantRef.fromBlock(run(opening.get(), handle.toBytes()));
  }

  private static byte[] run(Cipher cipher, byte[] block) {
    try {
      return cipher.doFinal(block);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES on one full block cannot fail: " + e, e);
    }
  }

  private Cipher cipher(int mode) {
    try {
      Cipher cipher = Cipher.getInstance(TRANSFORMATION);
      cipher.init(mode, key);
      return cipher;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK must provide " + TRANSFORMATION + ": " + e, e);
    }
  }

  @Override
  public String toString() {
    return "HandleKey[hidden]";
  }
}
