package dev.accord.server.http;

import dev.accord.server.backend.NamespaceStats;

/**
 * One namespace's counts with how fast it moves.
 *
 * @param stats the counts
 * @param ratePerSecond resources marked done per second over the last {@code rateWindowSeconds};
 *     negative while unknown (fewer than two samples yet)
 * @param rateWindowSeconds how long a stretch the rate was measured over
 */
record NamespaceProgress(NamespaceStats stats, double ratePerSecond, double rateWindowSeconds) {
  static NamespaceProgress unmeasured(NamespaceStats stats) {
    return new NamespaceProgress(stats, -1, 0);
  }

  /** The resources the server has: each counts once a worker first acquires it. */
  long seen() {
    return stats.done() + stats.held() + stats.pending();
  }

  /** Whether a worker declared the sweep's total (Expect). */
  boolean declared() {
    return stats.expected() > 0;
  }

  /**
   * What progress is measured against: the declared total, or what has been seen when that is more
   * (or nothing is declared).
   */
  long total() {
    return Math.max(stats.expected(), seen());
  }

  long remaining() {
    return total() - stats.done();
  }

  /** Done as a share of {@link #total()}, 0 to 1. */
  double fraction() {
    return total() == 0 ? 0 : (double) stats.done() / total();
  }

  /**
   * Seconds until what remains is done at the current rate; 0 when nothing remains, negative when
   * it cannot be told (rate unknown or nothing being done).
   */
  double etaSeconds() {
    if (remaining() == 0) {
      return 0;
    }
    return ratePerSecond > 0 ? remaining() / ratePerSecond : -1;
  }
}
