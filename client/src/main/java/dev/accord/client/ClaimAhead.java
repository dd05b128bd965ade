package dev.accord.client;

/**
 * How many leases a work loop keeps claimed ahead of its threads, so that a thread whose task ends
 * finds its next lease waiting instead of waiting a claim's round trip: as many as its threads use
 * up while a claim is under way (twice that, for the variance of both), learnt from the loop's own
 * task and claim times. Short tasks get a deep reserve, up to {@link #MAX_RESERVE_PER_THREAD} per
 * thread (at least {@link #MIN_MAX_RESERVE}); tasks much longer than a claim get none, so a loop
 * never sits on names that other workers could be processing. Not thread-safe: the sweep's lock
 * guards it.
 */
final class ClaimAhead {
  /** A reserve covers this many claim times of work. */
  private static final double CLAIMS_COVERED = 2.0;

  private static final int MAX_RESERVE_PER_THREAD = 2;
  private static final int MIN_MAX_RESERVE = 16;

  /** Weight of the newest sample in the moving averages. */
  private static final double WEIGHT = 0.2;

  private final int concurrency;
  private final int maxReserve;
  private double taskNanos = -1;
  private double claimNanos = -1;

  ClaimAhead(int concurrency) {
    this.concurrency = concurrency;
    this.maxReserve = Math.max(MIN_MAX_RESERVE, concurrency * MAX_RESERVE_PER_THREAD);
  }

  void taskTook(long nanos) {
    taskNanos = average(taskNanos, nanos);
  }

  void claimTook(long nanos) {
    claimNanos = average(claimNanos, nanos);
  }

  /** Leases to hold ready beyond those the threads run; none until both times are known. */
  int reserve() {
    if (taskNanos < 0 || claimNanos < 0) {
      return 0;
    }
    double used = concurrency * CLAIMS_COVERED * claimNanos / Math.max(1.0, taskNanos);
    return (int) Math.min(maxReserve, Math.floor(used));
  }

  /**
   * Leases the next claim asks for: one per idle thread, plus the reserve, less those already
   * waiting; at least one.
   */
  int toClaim(int running, int waiting) {
    return Math.max(1, concurrency - running + reserve() - waiting);
  }

  private static double average(double current, long sample) {
    return current < 0 ? sample : current + WEIGHT * (sample - current);
  }
}
