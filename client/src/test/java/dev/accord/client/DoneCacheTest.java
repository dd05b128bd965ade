package dev.accord.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    // 16 slots to ~270k slots at 1.5x per step.
    assertThat(tableSizes).hasSizeGreaterThan(20);
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
    assertThat((double) growing.tableBytes() / growing.size()).isLessThanOrEqualTo(32.0);
    // Presized to the max load: 16 bytes per slot / 0.85 ≈ 18.8 bytes per name.
    assertThat((double) presized.tableBytes() / presized.size()).isLessThanOrEqualTo(19.0);
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
