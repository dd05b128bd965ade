package dev.accord.bench.load;

import org.HdrHistogram.Histogram;

/**
 * A latency distribution in milliseconds, read from a histogram of nanoseconds.
 *
 * @param count values recorded
 */
record Latency(long count, double p50Ms, double p99Ms, double p999Ms, double maxMs, double meanMs) {
  private static final double NANOS_PER_MS = 1e6;

  static Latency of(Histogram nanos) {
    if (nanos.getTotalCount() == 0) {
      return new Latency(0, 0, 0, 0, 0, 0);
    }
    return new Latency(
        nanos.getTotalCount(),
        nanos.getValueAtPercentile(50) / NANOS_PER_MS,
        nanos.getValueAtPercentile(99) / NANOS_PER_MS,
        nanos.getValueAtPercentile(99.9) / NANOS_PER_MS,
        nanos.getMaxValue() / NANOS_PER_MS,
        nanos.getMean() / NANOS_PER_MS);
  }
}
