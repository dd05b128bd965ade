package dev.accord.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Names leaving the done-cache: remove, clear, tombstones, and lookups running meanwhile. */
class DoneCacheRemovalTest {
  @Test
  void removeSaysWhetherTheNameWasThereAndForgetsIt() {
    DoneCache cache = new DoneCache();
    cache.add("a");
    cache.add("b");

    assertThat(cache.remove("a")).isTrue();
    assertThat(cache.remove("a")).isFalse();
    assertThat(cache.remove("never")).isFalse();
    assertThat(cache.contains("a")).isFalse();
    assertThat(cache.contains("b")).isTrue();
    assertThat(cache.size()).isEqualTo(1);
    assertThat(cache.add("a")).isTrue();
    assertThat(cache.contains("a")).isTrue();
  }

  @Test
  void aNameRemovedFromAFullGroupLeavesNamesThatOverflowedPastItFindable() {
    DoneCache cache = new DoneCache(); // 2 groups of 8 slots
    long bytes = cache.tableBytes();
    List<String> names = homedInLastGroup(2, 11); // 8 fill the last group, 3 wrap to the first
    names.forEach(cache::add);

    assertThat(cache.remove(names.get(0))).isTrue(); // from the full group
    assertThat(cache.remove(names.get(9))).isTrue(); // from the group with room

    for (String name : names) {
      boolean removed = name.equals(names.get(0)) || name.equals(names.get(9));
      assertThat(cache.contains(name)).as(name).isEqualTo(!removed);
    }
    assertThat(cache.size()).isEqualTo(9);
    assertThat(cache.tableBytes()).isEqualTo(bytes);
  }

  @Test
  void namesAddedAndRemovedOverAndOverDoNotGrowTheTable() {
    DoneCache cache = new DoneCache();
    long bytes = cache.tableBytes();
    cache.add("kept");

    for (int i = 0; i < 100_000; i++) {
      cache.add("n-" + i);
      assertThat(cache.remove("n-" + i)).isTrue();
    }

    assertThat(cache.size()).isEqualTo(1);
    assertThat(cache.contains("kept")).isTrue();
    assertThat(cache.tableBytes()).isEqualTo(bytes);
  }

  @Test
  void clearForgetsEveryNameAndGivesTheMemoryBack() {
    DoneCache cache = new DoneCache();
    long bytes = cache.tableBytes();
    for (int i = 0; i < 10_000; i++) {
      cache.add("n-" + i);
    }

    cache.clear();

    assertThat(cache.size()).isZero();
    assertThat(cache.tableBytes()).isEqualTo(bytes);
    assertThat(cache.contains("n-0")).isFalse();
    assertThat(cache.contains("n-9999")).isFalse();
    assertThat(cache.add("n-0")).isTrue();
    assertThat(cache.contains("n-0")).isTrue();
  }

  @Test
  void readersAlwaysFindNamesThatStayWhileOthersComeAndGo() throws Exception {
    DoneCache cache = new DoneCache();
    List<String> stay = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      stay.add("stay-" + i);
      cache.add("stay-" + i);
    }
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicLong misses = new AtomicLong();
    List<CompletableFuture<Void>> readers = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      readers.add(
          CompletableFuture.runAsync(
              () -> {
                do {
                  for (String name : stay) {
                    if (!cache.contains(name)) {
                      misses.incrementAndGet();
                    }
                  }
                } while (writing.get());
              }));
    }

    // Adds and removes enough to leave tombstones, rebuild, and grow several times.
    for (int round = 0; round < 20; round++) {
      for (int i = 0; i < 5_000; i++) {
        cache.add("go-" + round + "-" + i);
      }
      for (int i = 0; i < 5_000; i++) {
        cache.remove("go-" + round + "-" + i);
      }
    }
    writing.set(false);
    for (CompletableFuture<Void> reader : readers) {
      reader.get(60, TimeUnit.SECONDS);
    }

    assertThat(misses).hasValue(0);
    assertThat(cache.size()).isEqualTo(stay.size());
  }

  /** {@code count} names whose home, in a table of {@code groups} groups, is the last group. */
  private static List<String> homedInLastGroup(int groups, int count) {
    List<String> found = new ArrayList<>();
    for (int i = 0; found.size() < count; i++) {
      String name = "probe-" + i;
      if (DoneCache.home(DoneCache.fingerprint(name)[1], groups) == groups - 1) {
        found.add(name);
      }
    }
    return found;
  }
}
