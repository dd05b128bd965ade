package dev.accord.bench;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import dev.accord.client.DoneCache;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import net.openhft.hashing.LongTupleHashFunction;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link DoneCache} at 1,000,000 names, single-threaded. Names are built before measurement so the
 * figures are hashing plus probing, not string building. Each lookup includes the 128-bit XXH3
 * fingerprint of its name, as a real call does.
 *
 * <pre>
 * java -jar benchmarks/target/accord-benchmarks.jar DoneCacheBenchmark -f 1 -wi 2 -i 3 -w 2s -r 2s
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class DoneCacheBenchmark {

  static final int NAMES = 1_000_000;

  private static final LongTupleHashFunction XXH3_128 = LongTupleHashFunction.xx128();
  private static final HashFunction GUAVA_MURMUR3 = Hashing.murmur3_128();

  /** A cache and the 1M query strings the lookups cycle through, one per call. */
  abstract static class Queries {
    DoneCache cache;
    String[] present;
    String[] absent;
    private int next;

    final String nextPresent() {
      String name = present[next];
      advance();
      return name;
    }

    final String nextAbsent() {
      String name = absent[next];
      advance();
      return name;
    }

    private void advance() {
      if (++next == NAMES) {
        next = 0;
      }
    }
  }

  /** A cache grown from the default size to 1M names, as a long-running client's would be. */
  @State(Scope.Thread)
  public static class Filled extends Queries {
    final long[] fingerprint = new long[2];

    @Setup(Level.Trial)
    public void fill() {
      present = Names.presentNames(NAMES);
      absent = Names.absentNames(NAMES);
      cache = new DoneCache();
      for (String name : present) {
        cache.add(name);
      }
      // A benchmark of a broken cache measures nothing: check before timing.
      if (cache.size() != NAMES
          || !cache.contains(present[NAMES - 1])
          || cache.contains(absent[0])) {
        throw new IllegalStateException("DoneCache does not hold the names it was given");
      }
      System.out.printf(
          "%n# DoneCache: %d names, table %d bytes, %.2f bytes/name%n",
          cache.size(), cache.tableBytes(), (double) cache.tableBytes() / cache.size());
    }
  }

  /**
   * For scale: the same stream of 1M distinct query strings, against a cache of only 10,000 names
   * (a ~200 KB table that stays in the core's own cache). What the 1M-name lookups cost beyond
   * these is the table's memory latency, not hashing or probing.
   */
  @State(Scope.Thread)
  public static class SmallTable extends Queries {
    static final int CACHED = 10_000;

    @Setup(Level.Trial)
    public void fill() {
      cache = new DoneCache();
      for (int i = 0; i < CACHED; i++) {
        cache.add(Names.present(i));
      }
      present = new String[NAMES];
      for (int i = 0; i < NAMES; i++) {
        // Distinct String objects (with their own arrays), so reading them costs what it does
        // above.
        present[i] = new String(Names.present(i % CACHED).toCharArray());
      }
      absent = Names.absentNames(NAMES);
      if (!cache.contains(present[NAMES - 1]) || cache.contains(absent[0])) {
        throw new IllegalStateException("DoneCache does not hold the names it was given");
      }
    }
  }

  /** Names to add into fresh caches. */
  @State(Scope.Thread)
  public static class ToAdd {
    String[] names;

    @Setup(Level.Trial)
    public void build() {
      names = Names.presentNames(NAMES);
    }
  }

  @Benchmark
  public boolean lookupPresent(Filled s) {
    return s.cache.contains(s.nextPresent());
  }

  @Benchmark
  public boolean lookupAbsent(Filled s) {
    return s.cache.contains(s.nextAbsent());
  }

  @Benchmark
  public boolean lookupPresentSmallTable(SmallTable s) {
    return s.cache.contains(s.nextPresent());
  }

  @Benchmark
  public boolean lookupAbsentSmallTable(SmallTable s) {
    return s.cache.contains(s.nextAbsent());
  }

  /**
   * Baseline: the fingerprint a lookup computes (XXH3-128 of the chars, as {@link DoneCache} does),
   * without the table. The gap to the lookups is what probing the table costs.
   */
  @Benchmark
  public long fingerprintOnly(Filled s) {
    String name = s.nextPresent();
    long[] fp = s.fingerprint;
    XXH3_128.hashChars(name, fp);
    return fp[0] ^ fp[1];
  }

  /**
   * A general-purpose 128-bit hash (Guava's murmur3_128 of the UTF-8 bytes), to set XXH3's cost
   * against.
   */
  @Benchmark
  public byte[] fingerprintGuavaMurmur3(Filled s) {
    String name = s.nextPresent();
    return GUAVA_MURMUR3.hashString(name, StandardCharsets.UTF_8).asBytes();
  }

  /** Adds per second while filling a default-sized cache to 1M names, resizes included. */
  @Benchmark
  @OperationsPerInvocation(NAMES)
  public DoneCache addGrowing(ToAdd s) {
    DoneCache cache = new DoneCache();
    for (String name : s.names) {
      cache.add(name);
    }
    return cache;
  }

  /** Adds per second into a cache presized for 1M names: no resizes. */
  @Benchmark
  @OperationsPerInvocation(NAMES)
  public DoneCache addPresized(ToAdd s) {
    DoneCache cache = new DoneCache(NAMES);
    for (String name : s.names) {
      cache.add(name);
    }
    return cache;
  }
}
