package dev.accord.client;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import net.openhft.hashing.LongTupleHashFunction;

/**
 * The client's set of names of resources that are done.
 *
 * <p>Names leave when the server says they stopped being done (reset for a rerun, or deleted):
 * {@link #remove}, {@link #clear}. Names are not kept: each is reduced to a 128-bit XXH3
 * fingerprint, and the table holds the fingerprint whole plus a one-byte tag per slot, 17 bytes a
 * slot, about 20 to 25 bytes per name depending on where the table is in its growth cycle (20 when
 * presized). Among n distinct names, some two share a fingerprint with probability about
 * n²/2<sup>129</sup>, so a false positive (which would make a worker skip a resource that is not
 * done) is possible in principle but not in any realistic population. The tag and the home group
 * are bits of the fingerprint, so a hit always means all 128 bits matched.
 *
 * <p>Names are keyed by their UTF-16 code units ({@link String#charAt}), hashed in place without
 * encoding or allocating. The fingerprints never leave this process, so they need not match how the
 * name travels on the wire: two strings are the same name here exactly when {@link String#equals}
 * says so. (Only a name holding an unpaired surrogate, which UTF-8 cannot carry, differs from what
 * the server sees: the server stores it with {@code '?'} in its place. The cache then merely misses
 * that spelling and asks the server, which answers for both.) Null names are rejected with {@link
 * NullPointerException}.
 *
 * <p>Layout: slots come in groups of 8. Each group has one {@code long} of 8 tag bytes (0 marks an
 * empty slot) and 8 two-{@code long} fingerprints. A name's home group comes from its fingerprint;
 * it goes into the first group from there on that has an empty slot. A lookup compares the 8 tags
 * of a group at once and reads a fingerprint only where a tag matches; it stops at the first group
 * with an empty slot. A removed name's slot becomes empty when its group has another empty slot (no
 * lookup ever went past that group), else a tombstone (tag 255, which no name has) that lookups
 * pass over; tombstones go when the table is rebuilt. The tags of all groups sit together at the
 * end of the one array, about 1/17 of it, so an absent name is usually answered from the tags
 * alone, which stay in cache far longer than the fingerprints.
 *
 * <p>{@link #contains} takes no lock, allocates nothing, and may run concurrently with the writers.
 * Once {@code add(x)} has returned, every {@code contains(x)} that starts after it (in the
 * happens-before sense) returns {@code true}, until a {@code remove(x)} or {@code clear()} returns;
 * a lookup running while {@code x} is removed may answer either. Writers serialise on an internal
 * lock.
 */
public final class DoneCache {

  private static final LongTupleHashFunction XXH3_128 = LongTupleHashFunction.xx128();

  /**
   * The hash writes its two words into an array: one per thread, so a lookup allocates nothing and
   * concurrent lookups do not share it.
   */
  private static final ThreadLocal<long[]> FINGERPRINT = ThreadLocal.withInitial(() -> new long[2]);

  private static final VarHandle WORD = MethodHandles.arrayElementVarHandle(long[].class);

  /** Slots per group: one tag byte each, in one long. */
  private static final int GROUP_SLOTS = 8;

  /** Longs per group: 8 fingerprints of 2 longs, and the tag word. */
  private static final int GROUP_LONGS = 2 * GROUP_SLOTS + 1;

  private static final long LOW_BITS = 0x7F7F_7F7F_7F7F_7F7FL;
  private static final long EACH_BYTE = 0x0101_0101_0101_0101L;

  /** The tag of a removed name's slot that lookups must pass over; {@link #tag} never gives it. */
  private static final int TOMBSTONE = 0xFF;

  // 2 groups, 16 slots: small enough that an idle client pays almost nothing.
  private static final int DEFAULT_EXPECTED_NAMES = 12;
  // A long[] may not hold more than about Integer.MAX_VALUE - 8 elements on HotSpot.
  private static final int MAX_GROUPS = (Integer.MAX_VALUE - 8) / GROUP_LONGS;
  // With groups of 8, lookups stay short up to ~0.85 full (~1.25 groups read for a present name,
  // ~3.5 tag words for an absent one at the limit).
  private static final int LOAD_NUM = 17;
  private static final int LOAD_DEN = 20;

  private final Object writeLock = new Object();

  /**
   * {@code groups} groups: fingerprints in {@code [0, 16 * groups)}, slot {@code s} at {@code 2s}
   * (first hash word) and {@code 2s + 1} (second); then the tag words, group {@code g}'s at {@code
   * 16 * groups + g}, slot {@code 8g + k}'s tag in byte {@code k} (the lowest byte is slot 0).
   * Volatile because growth replaces the array while readers are running; a replaced array is never
   * written again.
   */
  private volatile long[] table;

  private volatile int size;

  /** Guarded by {@link #writeLock}. */
  private int maxFill;

  /** Guarded by {@link #writeLock}: slots holding a tombstone, which count against maxFill. */
  private int tombstones;

  /** A small cache that grows as names are added. */
  public DoneCache() {
    this(DEFAULT_EXPECTED_NAMES);
  }

  /** A cache that holds {@code expectedNames} names without resizing. */
  public DoneCache(int expectedNames) {
    int groups = groupsFor(expectedNames);
    this.table = new long[GROUP_LONGS * groups];
    this.maxFill = maxFill(groups);
  }

  private static int groupsFor(int expectedNames) {
    if (expectedNames < 0) {
      throw new IllegalArgumentException("expectedNames < 0: " + expectedNames);
    }
    // +1 so the floor in maxFill() cannot leave the last expected name one short.
    long slots = ((long) expectedNames * LOAD_DEN + LOAD_NUM - 1) / LOAD_NUM + 1;
    long groups = (slots + GROUP_SLOTS - 1) / GROUP_SLOTS;
    return (int) Math.max(1, Math.min(MAX_GROUPS, groups));
  }

  private static int maxFill(int groups) {
    long slots = (long) groups * GROUP_SLOTS;
    // Always leave a slot empty: a lookup ends only at a group with an empty slot.
    return (int) Math.min(slots - 1, slots * LOAD_NUM / LOAD_DEN);
  }

  /** Lock-free and allocation-free; safe to call concurrently with {@link #add}. */
  public boolean contains(String name) {
    long[] fp = fingerprint(name);
    long first = fp[0];
    long second = fp[1];
    long[] t = table;
    int groups = t.length / GROUP_LONGS;
    int tags = groups * (2 * GROUP_SLOTS);
    long wanted = EACH_BYTE * tag(second);
    for (int g = home(second, groups); ; ) {
      // Acquire pairs with the writer's release of the same word: seeing a tag guarantees seeing
      // the fingerprint written before it. A slot whose tag is not yet visible reads as empty, so
      // a half-written slot can only yield "absent", never a false positive.
      long word = (long) WORD.getAcquire(t, tags + g);
      for (long match = zeroBytes(word ^ wanted); match != 0; match &= match - 1) {
        int at = (g * GROUP_SLOTS + (Long.numberOfTrailingZeros(match) >>> 3)) * 2;
        if (t[at] == first && t[at + 1] == second) {
          return true;
        }
      }
      if (zeroBytes(word) != 0) {
        return false;
      }
      if (++g == groups) {
        g = 0;
      }
    }
  }

  /** Adds {@code name}; returns {@code true} if it was not already present. */
  public boolean add(String name) {
    // Hash outside the lock: it is most of the cost of an add.
    long[] fp = fingerprint(name);
    long first = fp[0];
    long second = fp[1];
    synchronized (writeLock) {
      long[] t = table;
      int at = find(t, first, second);
      if (at >= 0) {
        return false;
      }
      int n = size;
      if (n + tombstones >= maxFill) {
        int groups = t.length / GROUP_LONGS;
        // Mostly tombstones: rebuild at the same size, which drops them; else grow.
        t = rebuild(t, n >= maxFill * 3L / 4 ? grownGroups(groups) : groups);
        at = find(t, first, second);
      }
      put(t, ~at, first, second, true);
      size = n + 1;
      return true;
    }
  }

  /** Removes {@code name}; returns {@code true} if it was present. */
  public boolean remove(String name) {
    long[] fp = fingerprint(name);
    long first = fp[0];
    long second = fp[1];
    synchronized (writeLock) {
      long[] t = table;
      int at = find(t, first, second);
      if (at < 0) {
        return false;
      }
      int slot = at / 2;
      int word = (t.length / GROUP_LONGS) * (2 * GROUP_SLOTS) + slot / GROUP_SLOTS;
      long tags = t[word];
      int shift = 8 * (slot % GROUP_SLOTS);
      boolean groupHasRoom = zeroBytes(tags) != 0;
      long cleared = tags & ~(0xFFL << shift);
      if (!groupHasRoom) {
        // Lookups of other names may have gone past this full group: keep it looking full.
        cleared |= (long) TOMBSTONE << shift;
        tombstones++;
      }
      WORD.setRelease(t, word, cleared);
      size--;
      return true;
    }
  }

  /** Removes every name, and gives the memory back. */
  public void clear() {
    synchronized (writeLock) {
      int groups = groupsFor(DEFAULT_EXPECTED_NAMES);
      table = new long[GROUP_LONGS * groups];
      maxFill = maxFill(groups);
      tombstones = 0;
      size = 0;
    }
  }

  public int size() {
    return size;
  }

  /**
   * Bytes of the current table (array payload, excluding the ~16-byte array header). During a
   * resize the old table is briefly held as well; it is not counted.
   */
  public long tableBytes() {
    return (long) table.length * Long.BYTES;
  }

  /**
   * The index of the fingerprint's first word if present, else {@code ~slot} of the empty slot it
   * would take. Writers only (plain reads: the lock orders them after every earlier write).
   */
  private static int find(long[] t, long first, long second) {
    int groups = t.length / GROUP_LONGS;
    int tags = groups * (2 * GROUP_SLOTS);
    long wanted = EACH_BYTE * tag(second);
    for (int g = home(second, groups); ; ) {
      long word = t[tags + g];
      for (long match = zeroBytes(word ^ wanted); match != 0; match &= match - 1) {
        int at = (g * GROUP_SLOTS + (Long.numberOfTrailingZeros(match) >>> 3)) * 2;
        if (t[at] == first && t[at + 1] == second) {
          return at;
        }
      }
      long empty = zeroBytes(word);
      if (empty != 0) {
        return ~(g * GROUP_SLOTS + (Long.numberOfTrailingZeros(empty) >>> 3));
      }
      if (++g == groups) {
        g = 0;
      }
    }
  }

  /** Writes a fingerprint into an empty slot, then its tag (released if readers may see it). */
  private static void put(long[] t, int slot, long first, long second, boolean release) {
    int groups = t.length / GROUP_LONGS;
    int word = groups * (2 * GROUP_SLOTS) + slot / GROUP_SLOTS;
    long tags = t[word] | (long) tag(second) << (8 * (slot % GROUP_SLOTS));
    t[2 * slot] = first;
    t[2 * slot + 1] = second;
    if (release) {
      WORD.setRelease(t, word, tags);
    } else {
      t[word] = tags;
    }
  }

  private int grownGroups(int oldGroups) {
    if (oldGroups >= MAX_GROUPS) {
      throw new IllegalStateException("DoneCache is full: " + size + " names");
    }
    // 1.25x: right after growth the table is ~68% full, which keeps the footprint between ~20 and
    // ~25 bytes per name at every size. Each name is copied ~4 times over the cache's life.
    return (int) Math.min(MAX_GROUPS, Math.max(oldGroups + 1L, oldGroups + (oldGroups >>> 2)));
  }

  /** Copies every name (not the tombstones) into a new table of {@code groups} groups. */
  private long[] rebuild(long[] old, int groups) {
    int oldGroups = old.length / GROUP_LONGS;
    long[] t = new long[GROUP_LONGS * groups];
    int oldTags = oldGroups * (2 * GROUP_SLOTS);
    for (int g = 0; g < oldGroups; g++) {
      long word = old[oldTags + g];
      for (int k = 0; word != 0; k++, word >>>= 8) {
        int tag = (int) (word & 0xFF);
        if (tag != 0 && tag != TOMBSTONE) {
          int at = 2 * (g * GROUP_SLOTS + k);
          put(t, ~find(t, old[at], old[at + 1]), old[at], old[at + 1], false);
        }
      }
    }
    // Plain writes above are enough: the volatile write publishes the filled array whole.
    // Readers still probing the old array see a consistent, merely stale, set.
    table = t;
    maxFill = maxFill(groups);
    tombstones = 0;
    return t;
  }

  /**
   * Unsigned range reduction of the top 32 bits into [0, groups): works for any number of groups,
   * so the table can grow by 1.25x instead of doubling, and costs a multiply instead of a division.
   */
  static int home(long second, int groups) {
    return (int) (((second >>> 32) * groups) >>> 32);
  }

  /**
   * Eight more bits of the fingerprint, never 0 (an empty slot) nor 255 (a tombstone): 1 to 254.
   */
  static int tag(long second) {
    int tag = (int) (second >>> 24) & 0xFF;
    return tag == 0 ? 1 : tag == TOMBSTONE ? TOMBSTONE - 1 : tag;
  }

  /** The high bit of each byte of {@code x} that is zero; exact (no carries between bytes). */
  static long zeroBytes(long x) {
    return ~(((x & LOW_BITS) + LOW_BITS) | x | LOW_BITS);
  }

  /**
   * The 128-bit XXH3 hash of the name's chars, as {@code hashBytes} of its UTF-16LE encoding would
   * give, in this thread's scratch array: valid until the thread's next call.
   */
  static long[] fingerprint(String name) {
    Objects.requireNonNull(name, "name");
    long[] fp = FINGERPRINT.get();
    XXH3_128.hashChars(name, fp);
    return fp;
  }
}
