package dev.accord.bench;

import dev.accord.client.DoneCache;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;

/**
 * Heap cost of {@link DoneCache} at 100k, 1M and 10M names (or the sizes given as arguments), grown
 * from the default size and presized. Reports the table's own accounting and, as a cross-check, the
 * change in heap used after full GCs around the fill. Names are built on the fly and dropped, so
 * the heap figure is the cache alone (table, array header, the cache object).
 *
 * <pre>
 * java -cp benchmarks/target/accord-benchmarks.jar dev.accord.bench.DoneCacheFootprint
 * </pre>
 *
 * The heap figure is only as good as System.gc(): keep -XX:+DisableExplicitGC off. Under G1, an
 * array larger than half a region takes whole regions, so its heap figure rounds up to region size;
 * -XX:+UseSerialGC or -XX:+UseParallelGC measure the array itself.
 */
public final class DoneCacheFootprint {

  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

  private DoneCacheFootprint() {}

  public static void main(String[] args) {
    int[] sizes = {100_000, 1_000_000, 10_000_000};
    if (args.length > 0) {
      sizes = new int[args.length];
      for (int k = 0; k < args.length; k++) {
        sizes[k] = Integer.parseInt(args[k].replace("_", ""));
      }
    }

    List<String> gcs = new ArrayList<>();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      gcs.add(gc.getName());
    }
    System.out.printf(
        "# Java %s, GC %s, max heap %d MiB%n",
        System.getProperty("java.version"), gcs, Runtime.getRuntime().maxMemory() >> 20);
    System.out.printf(
        "%-9s %10s %14s %10s %14s %10s %9s%n",
        "variant", "names", "tableBytes", "B/name", "heapDelta", "B/name", "fill ms");

    // Loads and initialises the cache's and its hash's classes, whose static state would otherwise
    // be charged to the first measurement.
    DoneCache warmup = new DoneCache();
    for (int i = 0; i < 10_000; i++) {
      warmup.add(Names.present(i));
    }
    Reference.reachabilityFence(warmup);

    for (int n : sizes) {
      measure("growing", n, false);
      measure("presized", n, true);
    }
  }

  private static void measure(String variant, int n, boolean presized) {
    long before = usedAfterGc();
    long start = System.nanoTime();
    DoneCache cache = presized ? new DoneCache(n) : new DoneCache();
    for (int i = 0; i < n; i++) {
      cache.add(Names.present(i));
    }
    long fillNanos = System.nanoTime() - start;
    long after = usedAfterGc();
    if (cache.size() != n) {
      throw new IllegalStateException("expected " + n + " names, cache holds " + cache.size());
    }
    long heapDelta = after - before;
    System.out.printf(
        "%-9s %,10d %,14d %10.2f %,14d %10.2f %,9d%n",
        variant,
        n,
        cache.tableBytes(),
        (double) cache.tableBytes() / n,
        heapDelta,
        (double) heapDelta / n,
        fillNanos / 1_000_000);
    // Keep the cache reachable until the second measurement has been taken.
    Reference.reachabilityFence(cache);
  }

  private static long usedAfterGc() {
    // Several rounds: one full GC can leave objects that only the next one finds unreachable.
    long used = Long.MAX_VALUE;
    for (int k = 0; k < 4; k++) {
      System.gc();
      used = Math.min(used, MEMORY.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
