package dev.accord.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import net.openhft.hashing.LongTupleHashFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class DoneCacheTest {

  @Test
  void emptyCacheContainsNothing() {
    DoneCache cache = new DoneCache();

    assertThat(cache.size()).isZero();
    assertThat(cache.contains("job-1")).isFalse();
    assertThat(cache.contains("")).isFalse();
    assertThat(cache.tableBytes()).isPositive();
  }

  @Test
  void addReportsNewNamesOnlyOnce() {
    DoneCache cache = new DoneCache();

    assertThat(cache.add("job-1")).isTrue();
    assertThat(cache.add("job-2")).isTrue();
    assertThat(cache.add("job-1")).isFalse();
    assertThat(cache.add("job-2")).isFalse();

    assertThat(cache.size()).isEqualTo(2);
    assertThat(cache.contains("job-1")).isTrue();
    assertThat(cache.contains("job-2")).isTrue();
    assertThat(cache.contains("job-3")).isFalse();
  }

  @Test
  void duplicatesDoNotGrowTheTable() {
    DoneCache cache = new DoneCache();
    cache.add("only");
    long bytes = cache.tableBytes();

    for (int i = 0; i < 10_000; i++) {
      assertThat(cache.add("only")).isFalse();
    }

    assertThat(cache.size()).isEqualTo(1);
    assertThat(cache.tableBytes()).isEqualTo(bytes);
  }

  @Test
  void namesAreExactUnicodeStrings() {
    DoneCache cache = new DoneCache();
    List<String> names =
        List.of(
            "",
            " ",
            "\u0000",
            "Job",
            "job",
            "caf\u00e9", // precomposed é
            "cafe\u0301", // e + combining acute: a different string, a different name
            "日本語のジョブ",
            "\uD83D\uDE00", // one astral code point (a surrogate pair)
            "ns/\u0645\u0647\u0645\u0629/42");

    for (String name : names) {
      assertThat(cache.add(name)).as("add %s", name).isTrue();
    }
    for (String name : names) {
      assertThat(cache.contains(name)).as("contains %s", name).isTrue();
      assertThat(cache.add(name)).as("re-add %s", name).isFalse();
    }
    assertThat(cache.size()).isEqualTo(names.size());
    assertThat(cache.contains("JOB")).isFalse();
    assertThat(cache.contains("cafe")).isFalse();
    assertThat(cache.contains("\uD83D")).isFalse();
  }

  @Test
  void emptyStringIsAnOrdinaryName() {
    DoneCache cache = new DoneCache();

    assertThat(cache.add("")).isTrue();
    assertThat(cache.contains("")).isTrue();
    assertThat(cache.add("")).isFalse();
    assertThat(cache.size()).isEqualTo(1);
  }

  @Test
  void namesAreKeyedByTheirCharsSoAnUnpairedSurrogateIsItsOwnName() {
    // Keyed by UTF-16 code units, not by an encoding: "a\uD800b" and "a?b" are different
    // strings, so different names here, although UTF-8 (the wire) would send both as "a?b". The
    // server then sees one name for both; the cache at worst misses and the client asks.
    DoneCache cache = new DoneCache();
    cache.add("a\uD800b");

    assertThat(cache.contains("a\uD800b")).isTrue();
    assertThat(cache.contains("a?b")).isFalse();
    assertThat(cache.contains("a\uFFFDb")).isFalse();
  }

  @Test
  void fingerprintIsXxh3Of128BitsOverTheUtf16CodeUnits() {
    // Whatever the String's internal form (Latin-1 compact or UTF-16), the fingerprint is that of
    // its chars: the same as hashing its code units as UTF-16LE bytes, unpaired surrogates too.
    LongTupleHashFunction xxh3 = LongTupleHashFunction.xx128();
    List<String> names =
        List.of(
            "",
            "a",
            "team-7/job-123456",
            "a name long enough to take XXH3 past its short-input paths, over 128 bytes of UTF-16 "
                + "in all, which is 64 chars and then some more",
            "caf\u00e9",
            "日本語のジョブ",
            "\uD83D\uDE00",
            "a\uD800b",
            "ns/" + "x".repeat(1000));
    for (String name : names) {
      long[] expected = xxh3.hashBytes(utf16le(name));
      assertThat(DoneCache.fingerprint(name))
          .as("%s", name.chars().boxed().toList())
          .containsExactly(expected);
    }
  }

  /** The code units as they are: String.getBytes would turn an unpaired surrogate into '?'. */
  private static byte[] utf16le(String s) {
    ByteBuffer bytes = ByteBuffer.allocate(2 * s.length()).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < s.length(); i++) {
      bytes.putChar(s.charAt(i));
    }
    return bytes.array();
  }

  @Test
  void zeroBytesFindsExactlyTheZeroBytes() {
    // An empty slot missed is a lost name; one invented ends a probe early: both must be exact.
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 200_000; i++) {
      long x = random.nextLong();
      // Mix in zero bytes, and 0x01 / 0x80 bytes next to them, where carries would show.
      for (int k = 0; k < 8; k++) {
        int pick = random.nextInt(4);
        if (pick > 0) {
          long b = pick == 1 ? 0 : pick == 2 ? 1 : 0x80;
          x = (x & ~(0xFFL << (8 * k))) | (b << (8 * k));
        }
      }
      long expected = 0;
      for (int k = 0; k < 8; k++) {
        if ((x >>> (8 * k) & 0xFF) == 0) {
          expected |= 0x80L << (8 * k);
        }
      }
      if (DoneCache.zeroBytes(x) != expected) {
        throw new AssertionError("zeroBytes(" + Long.toHexString(x) + ")");
      }
    }
  }

  @Test
  void namesSharingHomeAndTagAreToldApartByTheWholeFingerprint() {
    // A 2-group table; six names with the same home group and the same tag byte, so a lookup
    // meets several tag matches in one group and must check each fingerprint.
    DoneCache cache = new DoneCache(12);
    assertThat(cache.tableBytes()).isEqualTo(2 * 17 * Long.BYTES);
    List<String> alike = namesWith(2, 6, 1);

    for (String name : alike.subList(0, 5)) {
      assertThat(cache.add(name)).isTrue();
    }
    for (String name : alike.subList(0, 5)) {
      assertThat(cache.contains(name)).as(name).isTrue();
      assertThat(cache.add(name)).isFalse();
    }
    assertThat(cache.contains(alike.get(5))).isFalse();
    assertThat(cache.size()).isEqualTo(5);
  }

  @Test
  void aFullLastGroupOverflowsIntoTheFirst() {
    // 13 names (the 2-group table's limit) all homed on the last group: 8 fill it, 5 wrap around
    // into group 0. Lookups must follow them there, and absent names must still end.
    DoneCache cache = new DoneCache(12);
    long bytes = cache.tableBytes();
    List<String> names = namesWith(2, 16, -1);

    for (String name : names.subList(0, 13)) {
      assertThat(cache.add(name)).isTrue();
    }
    assertThat(cache.tableBytes()).isEqualTo(bytes);
    for (String name : names.subList(0, 13)) {
      assertThat(cache.contains(name)).as(name).isTrue();
    }
    for (String name : names.subList(13, 16)) {
      assertThat(cache.contains(name)).as(name).isFalse();
    }
    // One more grows the table; everything is still there.
    assertThat(cache.add(names.get(13))).isTrue();
    assertThat(cache.tableBytes()).isGreaterThan(bytes);
    for (String name : names.subList(0, 14)) {
      assertThat(cache.contains(name)).as(name).isTrue();
    }
  }

  /**
   * {@code count} names whose home, in a table of {@code groups} groups, is the last group, and,
   * when {@code sameTag} is positive, whose tags are all equal.
   */
  private static List<String> namesWith(int groups, int count, int sameTag) {
    List<String> found = new ArrayList<>();
    int tag = -1;
    for (int i = 0; found.size() < count; i++) {
      String name = "probe-" + i;
      long second = DoneCache.fingerprint(name)[1];
      if (DoneCache.home(second, groups) != groups - 1) {
        continue;
      }
      if (sameTag > 0) {
        if (tag < 0) {
          tag = DoneCache.tag(second);
        } else if (DoneCache.tag(second) != tag) {
          continue;
        }
      }
      found.add(name);
    }
    return found;
  }

  @Test
  void nullNameIsRejected() {
    DoneCache cache = new DoneCache();

    assertThatThrownBy(() -> cache.add(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> cache.contains(null)).isInstanceOf(NullPointerException.class);
    assertThat(cache.size()).isZero();
  }

  @Test
  void negativeExpectedNamesIsRejected() {
    assertThatThrownBy(() -> new DoneCache(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void zeroPresizedCacheStillGrows() {
    DoneCache cache = new DoneCache(0);

    for (int i = 0; i < 1_000; i++) {
      assertThat(cache.add("n" + i)).isTrue();
    }
    for (int i = 0; i < 1_000; i++) {
      assertThat(cache.contains("n" + i)).isTrue();
    }
    assertThat(cache.size()).isEqualTo(1_000);
  }

  @Test
  void presizedCacheHoldsExpectedNamesWithoutResizing() {
    DoneCache cache = new DoneCache(10_000);
    long bytes = cache.tableBytes();

    for (int i = 0; i < 10_000; i++) {
      cache.add("job-" + i);
    }

    assertThat(cache.size()).isEqualTo(10_000);
    assertThat(cache.tableBytes()).isEqualTo(bytes);
  }

  @Test
  void growthAcrossManyResizesKeepsEveryName() {
    DoneCache cache = new DoneCache();
    int n = 200_000;
    Set<Long> tableSizes = new HashSet<>();

    for (int i = 0; i < n; i++) {
      assertThat(cache.add(present(i))).isTrue();
      assertThat(cache.size()).isEqualTo(i + 1);
      tableSizes.add(cache.tableBytes());
    }

    // 2 groups of 8 slots to ~30k groups at 1.25x per step.
    assertThat(tableSizes).hasSizeGreaterThan(30);
    for (int i = 0; i < n; i++) {
      if (!cache.contains(present(i))) {
        throw new AssertionError("lost " + present(i) + " after growth");
      }
    }
  }

  @Test
  void absentNamesAreNotFound() {
    DoneCache cache = new DoneCache();
    int n = 200_000;
    for (int i = 0; i < n; i++) {
      cache.add(present(i));
    }

    List<String> falsePositives = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (cache.contains(absent(i))) {
        falsePositives.add(absent(i));
      }
    }

    assertThat(falsePositives).isEmpty();
  }

  @Test
  void footprintAtOneMillionNames() {
    int n = 1_000_000;
    DoneCache growing = new DoneCache();
    DoneCache presized = new DoneCache(n);
    for (int i = 0; i < n; i++) {
      String name = present(i);
      growing.add(name);
      presized.add(name);
    }

    assertThat(growing.size()).isEqualTo(n);
    assertThat(presized.size()).isEqualTo(n);
    // 17 bytes per slot, between ~0.68 and 0.85 full: ~20 to ~25 bytes per name at any size.
    assertThat((double) growing.tableBytes() / growing.size()).isLessThanOrEqualTo(24.0);
    // Presized to the max load: 17 bytes per slot / 0.85 = 20 bytes per name.
    assertThat((double) presized.tableBytes() / presized.size()).isLessThanOrEqualTo(20.01);
  }

  /**
   * Writers add disjoint ranges, each publishing through a volatile how far it has got; readers
   * check that every published name is found, including the one just added, while the table is
   * resized under them many times (it starts at 16 slots), and that absent names stay absent.
   */
  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES) // a hang guard only: a broken probe loops forever
  void readersSeeEveryNameAddedBeforeTheyLooked() throws Exception {
    int writers = 4;
    int readers = 2;
    int perWriter = 60_000;
    DoneCache cache = new DoneCache();
    AtomicIntegerArray published = new AtomicIntegerArray(writers);
    CountDownLatch readersStarted = new CountDownLatch(readers);
    CountDownLatch writersDone = new CountDownLatch(writers);
    Queue<String> failures = new ConcurrentLinkedQueue<>();
    AtomicLong checks = new AtomicLong();

    ExecutorService pool = Executors.newFixedThreadPool(writers + readers);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int r = 0; r < readers; r++) {
        long seed = r;
        futures.add(
            pool.submit(
                () -> {
                  SplittableRandom random = new SplittableRandom(seed);
                  readersStarted.countDown();
                  long local = 0;
                  boolean lastPass = false;
                  while (true) {
                    // One more full pass after the writers finish, so the final state is
                    // checked too.
                    if (writersDone.getCount() == 0) {
                      lastPass = true;
                    }
                    for (int w = 0; w < writers; w++) {
                      int p = published.get(w);
                      if (p == 0) {
                        continue;
                      }
                      String newest = name(w, p - 1);
                      String older = name(w, random.nextInt(p));
                      if (!cache.contains(newest)) {
                        failures.add("missing newest " + newest);
                      }
                      if (!cache.contains(older)) {
                        failures.add("missing " + older);
                      }
                      String never = name(writers + w, random.nextInt(perWriter));
                      if (cache.contains(never)) {
                        failures.add("false positive " + never);
                      }
                      local += 3;
                    }
                    if (lastPass || failures.size() > 100) {
                      break;
                    }
                  }
                  checks.addAndGet(local);
                  return null;
                }));
      }
      for (int w = 0; w < writers; w++) {
        int writer = w;
        futures.add(
            pool.submit(
                () -> {
                  try {
                    readersStarted.await();
                    for (int j = 0; j < perWriter; j++) {
                      String name = name(writer, j);
                      if (!cache.add(name)) {
                        failures.add("add returned false for new " + name);
                      }
                      published.set(writer, j + 1);
                    }
                  } finally {
                    writersDone.countDown();
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(failures).isEmpty();
    assertThat(checks.get()).isPositive();
    assertThat(cache.size()).isEqualTo(writers * perWriter);
    for (int w = 0; w < writers; w++) {
      for (int j = 0; j < perWriter; j++) {
        if (!cache.contains(name(w, j))) {
          throw new AssertionError("lost " + name(w, j));
        }
      }
    }
  }

  private static String present(int i) {
    return "ns-" + (i % 97) + "/job-" + i;
  }

  private static String absent(int i) {
    return "ns-" + (i % 97) + "/absent-" + i;
  }

  private static String name(int writer, int j) {
    return "w" + writer + "/job-" + j;
  }
}
