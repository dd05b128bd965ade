package dev.accord.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.HdrHistogram.Histogram;

/**
 * One interval's line of a {@link Soak} run: the server's state at its end and the calls made
 * during it. A figure that could not be read is NaN and printed as "-".
 *
 * @param minute the interval's number, from 1
 * @param load the machine's one-minute load average
 * @param heapMiB the server's heap in use, from {@code jvm_memory_used_bytes{area="heap"}}
 * @param heapAfterGcMiB the same right after a full collection asked for with jcmd (NaN without a
 *     pid)
 * @param residentMiB the server process's VmRSS (NaN without a pid)
 * @param threads {@code jvm_threads_live_threads}
 * @param connections TCP connections established to the server's port
 * @param openLeases leases the soak holds that are still valid
 * @param renew renewals' latency
 * @param acquire the steady stream's acquires' latency (the opening acquires are not counted)
 * @param done the steady stream's dones' latency
 * @param failures failed calls by "Method CODE", and lost leases as "lost"
 */
record SoakInterval(
    int minute,
    double load,
    double heapMiB,
    double heapAfterGcMiB,
    double residentMiB,
    double threads,
    double connections,
    int openLeases,
    Histogram renew,
    Histogram acquire,
    Histogram done,
    Map<String, Long> failures) {

  static final String HEADER =
      "| min | load | heap MiB | heap after GC MiB | RSS MiB | threads | conns | leases | renews"
          + " | renew p50/p99 ms | acquires | acquire p50/p99 ms | done p50/p99 ms | errors |";
  static final String RULE = "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|";

  String line() {
    return String.format(
        Locale.ROOT,
        "| %d | %.1f | %s | %s | %s | %s | %s | %,d | %,d | %s | %,d | %s | %s | %s |",
        minute,
        load,
        figure(heapMiB),
        figure(heapAfterGcMiB),
        figure(residentMiB),
        figure(threads),
        figure(connections),
        openLeases,
        renew.getTotalCount(),
        percentiles(renew),
        acquire.getTotalCount(),
        percentiles(acquire),
        percentiles(done),
        failures.isEmpty() ? "0" : failures.toString());
  }

  /**
   * Each figure's mean over the first {@code span} intervals and over the last {@code span}, and
   * the change between them, one line each.
   */
  static String slope(List<SoakInterval> intervals, int span) {
    int n = Math.min(span, intervals.size());
    List<SoakInterval> first = intervals.subList(0, n);
    List<SoakInterval> last = intervals.subList(intervals.size() - n, intervals.size());
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "| figure | first %d | last %d | change |%n", n, n));
    out.append("|---|---|---|---|\n");
    row(out, "load", first, last, SoakInterval::load);
    row(out, "heap MiB", first, last, SoakInterval::heapMiB);
    row(out, "heap after GC MiB", first, last, SoakInterval::heapAfterGcMiB);
    row(out, "RSS MiB", first, last, SoakInterval::residentMiB);
    row(out, "threads", first, last, SoakInterval::threads);
    row(out, "connections", first, last, SoakInterval::connections);
    row(out, "renews", first, last, i -> i.renew.getTotalCount());
    row(out, "renew p50 ms", first, last, i -> ms(i.renew, 50));
    row(out, "renew p99 ms", first, last, i -> ms(i.renew, 99));
    row(out, "acquires", first, last, i -> i.acquire.getTotalCount());
    row(out, "acquire p50 ms", first, last, i -> ms(i.acquire, 50));
    row(out, "acquire p99 ms", first, last, i -> ms(i.acquire, 99));
    row(out, "done p50 ms", first, last, i -> ms(i.done, 50));
    row(out, "done p99 ms", first, last, i -> ms(i.done, 99));
    row(
        out,
        "errors",
        first,
        last,
        i -> i.failures.values().stream().mapToLong(Long::longValue).sum());
    return out.toString();
  }

  private static void row(
      StringBuilder out,
      String name,
      List<SoakInterval> first,
      List<SoakInterval> last,
      ToDoubleFunction<SoakInterval> figure) {
    double before = mean(first, figure);
    double after = mean(last, figure);
    String change =
        before == 0 || Double.isNaN(before) || Double.isNaN(after)
            ? "-"
            : String.format(Locale.ROOT, "%+.1f %%", 100 * (after - before) / before);
    out.append(
        String.format(
            Locale.ROOT, "| %s | %s | %s | %s |%n", name, figure(before), figure(after), change));
  }

  /** The mean of the figures that could be read (NaN when none could). */
  private static double mean(List<SoakInterval> intervals, ToDoubleFunction<SoakInterval> figure) {
    return intervals.stream()
        .mapToDouble(figure)
        .filter(v -> !Double.isNaN(v))
        .average()
        .orElse(Double.NaN);
  }

  private static double ms(Histogram nanos, double percentile) {
    return nanos.getTotalCount() == 0 ? Double.NaN : nanos.getValueAtPercentile(percentile) / 1e6;
  }

  private static String percentiles(Histogram nanos) {
    return figure(ms(nanos, 50)) + " / " + figure(ms(nanos, 99));
  }

  private static String figure(double value) {
    if (Double.isNaN(value)) {
      return "-";
    }
    return value >= 100 || value == Math.rint(value)
        ? String.format(Locale.ROOT, "%,.0f", value)
        : String.format(Locale.ROOT, "%.1f", value);
  }
}
