package dev.accord.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The retry waits every caller shares: doubling from the first ceiling to the cap, jittered within
 * each.
 */
class BackoffTest {
  @Test
  void theCeilingDoublesFromTheFirstUntilTheCap() {
    Backoff backoff = new Backoff(50, 2_000);

    assertThat(backoff.ceilingMillis(0)).isEqualTo(50);
    assertThat(backoff.ceilingMillis(1)).isEqualTo(100);
    assertThat(backoff.ceilingMillis(5)).isEqualTo(1_600);
    assertThat(backoff.ceilingMillis(6)).isEqualTo(2_000);
    assertThat(backoff.ceilingMillis(7)).isEqualTo(2_000);
  }

  @Test
  void aLongRunOfFailuresStaysAtTheCap() {
    Backoff backoff = new Backoff(100, 10_000);

    assertThat(backoff.ceilingMillis(64)).isEqualTo(10_000);
    assertThat(backoff.ceilingMillis(Integer.MAX_VALUE)).isEqualTo(10_000);
  }

  @Test
  void eachWaitIsFromHalfTheCeilingToTheCeiling() {
    Backoff backoff = new Backoff(100, 5_000);
    for (int retry = 0; retry < 10; retry++) {
      long ceiling = backoff.ceilingMillis(retry);
      long shortest = Long.MAX_VALUE;
      long longest = 0;
      for (int i = 0; i < 2_000; i++) {
        long wait = backoff.delayMillis(retry);
        shortest = Math.min(shortest, wait);
        longest = Math.max(longest, wait);
      }
      assertThat(shortest).as("retry %d", retry).isGreaterThanOrEqualTo(ceiling / 2);
      assertThat(longest).as("retry %d", retry).isLessThanOrEqualTo(ceiling);
      // Jittered: 2,000 draws from at least 51 values are never all the same.
      assertThat(longest).as("retry %d", retry).isGreaterThan(shortest);
    }
  }

  @Test
  void aCapBelowTheFirstCeilingOrNoFirstCeilingIsRefused() {
    assertThatThrownBy(() -> new Backoff(0, 100)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(200, 100)).isInstanceOf(IllegalArgumentException.class);
  }
}
