package dev.accord.client;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import net.openhft.hashing.LongTupleHashFunction;

/**
 * The client's set of names of resources that are done.
 *
 * <p>A done mark is final, so entries are only ever added. Names are not kept: each is reduced to
 * a 128-bit XXH3 fingerprint held in one {@code long[]} of open-addressed slots, about 19 to
 * 28 bytes per name depending on where the table is in its growth cycle. Two distinct names
 * collide with probability about n²/2<sup>128</sup>, so a false positive is possible in
 * principle but not in any realistic population.
 *
 * <p>Names are keyed by their UTF-16 code units, hashed in place without encoding or allocating
 * (the fingerprints never leave this process). Null names are rejected with {@link
 * NullPointerException}.
 *
 * <p>{@link #contains} takes no lock and may run concurrently with {@link #add}. Once
 * {@code add(x)} has returned, every {@code contains(x)} that starts after it (in the
 * happens-before sense) returns {@code true}. Writers serialise on an internal lock.
 */
public final class DoneCache {

  private static final LongTupleHashFunction XXH3_128 = LongTupleHashFunction.xx128();
  /** The hash writes its two words into an array: one per thread, so lookups allocate nothing. */
  private static final ThreadLocal<long[]> FINGERPRINT = ThreadLocal.withInitial(() -> new long[2]);

  // The word readers test first doubles as the occupied flag, so an empty-vs-full check and
  // the first fingerprint comparison are one acquire load.
  private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

  // 16 slots: small enough that an idle client pays almost nothing.
  private static final int DEFAULT_EXPECTED_NAMES = 12;
  // Growth by half must add at least one slot.
  private static final int MIN_SLOTS = 2;
  // A long[] may not hold more than about Integer.MAX_VALUE - 8 elements on HotSpot.
  private static final int MAX_SLOTS = (Integer.MAX_VALUE - 8) / 2;
  // Linear probing stays short below ~0.85 full; above it unsuccessful lookups degrade fast.
  private static final int LOAD_NUM = 17;
  private static final int LOAD_DEN = 20;

  private final Object writeLock = new Object();

  /**
   * Slot {@code i} is {@code table[2i]} = tag (low fingerprint word with bit 0 forced to 1, so
   * 0 can mean empty) and {@code table[2i + 1]} = the high fingerprint word. Volatile because a
   * resize replaces the array while readers are running.
   */
  private volatile long[] table;

  private volatile int size;

  /** Guarded by {@link #writeLock}. */
  private int maxFill;

  /** A small cache that grows as names are added. */
  public DoneCache() {
    this(DEFAULT_EXPECTED_NAMES);
  }

  /** A cache that holds {@code expectedNames} names without resizing. */
  public DoneCache(int expectedNames) {
    int slots = slotsFor(expectedNames);
    this.table = new long[2 * slots];
    this.maxFill = maxFill(slots);
  }

  private static int slotsFor(int expectedNames) {
    if (expectedNames < 0) {
      throw new IllegalArgumentException("expectedNames < 0: " + expectedNames);
    }
    // +1 so the floor in maxFill() cannot leave the last expected name one short.
    long slots = ((long) expectedNames * LOAD_DEN + LOAD_NUM - 1) / LOAD_NUM + 1;
    return (int) Math.max(MIN_SLOTS, Math.min(MAX_SLOTS, slots));
  }

  private static int maxFill(int slots) {
    // Always leave one slot empty: probes end only at an empty slot.
    return (int) Math.min(slots - 1L, (long) slots * LOAD_NUM / LOAD_DEN);
  }

  /** Lock-free; safe to call concurrently with {@link #add}. */
  public boolean contains(String name) {
    long[] fp = fingerprint(name);
    // Bit 0 forced to 1 so a stored tag is never 0, the empty marker; the fingerprint keeps
    // 127 significant bits.
    long tag = fp[0] | 1L;
    long high = fp[1];
    long[] t = table;
    int slots = t.length >>> 1;
    for (int i = home(high, slots); ; ) {
      // Acquire pairs with the writer's release of the same word: seeing a tag guarantees
      // seeing the high word written before it. A slot whose tag is not yet visible reads as
      // empty, so a half-written slot can only yield "absent", never a false positive.
      long seen = (long) SLOT.getAcquire(t, 2 * i);
      if (seen == 0) {
        return false;
      }
      if (seen == tag && t[2 * i + 1] == high) {
        return true;
      }
      if (++i == slots) {
        i = 0;
      }
    }
  }

  /** Adds {@code name}; returns {@code true} if it was not already present. */
  public boolean add(String name) {
    // Hash outside the lock: it is most of the cost of an add.
    long[] fp = fingerprint(name);
    // Bit 0 forced to 1 so a stored tag is never 0, the empty marker; the fingerprint keeps
    // 127 significant bits.
    long tag = fp[0] | 1L;
    long high = fp[1];
    synchronized (writeLock) {
      long[] t = table;
      int i = probe(t, tag, high);
      if (t[2 * i] != 0) {
        return false;
      }
      int n = size;
      if (n >= maxFill) {
        t = grow(t);
        i = probe(t, tag, high);
      }
      t[2 * i + 1] = high;
      // Release so that a reader seeing the tag also sees the high word (see contains()).
      SLOT.setRelease(t, 2 * i, tag);
      size = n + 1;
      return true;
    }
  }

  public int size() {
    return size;
  }

  /**
   * Bytes of fingerprint slots in the current table (array payload, excluding the ~16-byte
   * array header). During a resize the old table is briefly held as well; it is not counted.
   */
  public long tableBytes() {
    return (long) table.length * Long.BYTES;
  }

  /** Index of the slot holding the fingerprint, or of the empty slot where it would go. */
  private static int probe(long[] t, long tag, long high) {
    int slots = t.length >>> 1;
    for (int i = home(high, slots); ; ) {
      long seen = t[2 * i];
      if (seen == 0 || (seen == tag && t[2 * i + 1] == high)) {
        return i;
      }
      if (++i == slots) {
        i = 0;
      }
    }
  }

  private long[] grow(long[] old) {
    int oldSlots = old.length >>> 1;
    if (oldSlots >= MAX_SLOTS) {
      throw new IllegalStateException("DoneCache is full: " + size + " names");
    }
    // 1.5x rather than 2x: right after growth the table is ~57% full instead of ~43%, which is
    // what keeps the footprint under ~28 bytes per name at every size.
    int slots = (int) Math.min(MAX_SLOTS, oldSlots + (long) (oldSlots >>> 1));
    long[] t = new long[2 * slots];
    for (int j = 0; j < old.length; j += 2) {
      long tag = old[j];
      if (tag != 0) {
        int i = probe(t, tag, old[j + 1]);
        t[2 * i] = tag;
        t[2 * i + 1] = old[j + 1];
      }
    }
    // Plain writes above are enough: the volatile write publishes the filled array whole.
    // Readers still probing the old array see a consistent, merely stale, set.
    table = t;
    maxFill = maxFill(slots);
    return t;
  }

  /**
   * Unsigned range reduction of the top 32 bits into [0, slots): works for any capacity, so the
   * table can grow by 1.5x instead of doubling, and costs a multiply instead of a division.
   */
  private static int home(long high, int slots) {
    return (int) (((high >>> 32) * slots) >>> 32);
  }

  /** The 128-bit XXH3 hash of the name's chars, in this thread's scratch array. */
  private static long[] fingerprint(String name) {
    Objects.requireNonNull(name, "name");
    long[] fp = FINGERPRINT.get();
    XXH3_128.hashChars(name, fp);
    return fp;
  }
}
