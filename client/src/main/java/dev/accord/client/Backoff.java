package dev.accord.client;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Capped exponential backoff with jitter: retry {@code n} of a run of failures (counting from 0)
 * waits a random time from half to all of {@code min(initialMillis × 2ⁿ, maxMillis)}. The cap keeps
 * a long outage from stretching the waits past what a reconnect needs; the jitter keeps the many
 * clients that failed together from retrying together.
 *
 * @param initialMillis the ceiling of the first retry's wait
 * @param maxMillis the largest ceiling, however many retries failed
 */
record Backoff(long initialMillis, long maxMillis) {
  Backoff {
    if (initialMillis < 1 || maxMillis < initialMillis) {
      throw new IllegalArgumentException(
          "backoff from " + initialMillis + " ms to " + maxMillis + " ms");
    }
  }

  /**
   * The longest wait before retry {@code retry}: {@code min(initialMillis × 2^retry, maxMillis)}.
   */
  long ceilingMillis(int retry) {
    long ceiling = initialMillis;
    for (int i = 0; i < retry && ceiling < maxMillis; i++) {
      ceiling *= 2;
    }
    return Math.min(ceiling, maxMillis);
  }

  /** How long to wait before retry {@code retry}: random, from half the ceiling to the ceiling. */
  long delayMillis(int retry) {
    long ceiling = ceilingMillis(retry);
    return ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1);
  }
}
