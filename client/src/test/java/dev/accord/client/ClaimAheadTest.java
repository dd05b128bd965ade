package dev.accord.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ClaimAheadTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  @Test
  void untilTaskAndClaimTimesAreKnownNothingIsClaimedAheadOfTheThreads() {
    ClaimAhead ahead = new ClaimAhead(8);
    assertThat(ahead.reserve()).isZero();
    assertThat(ahead.toClaim(0, 0)).isEqualTo(8);
    ahead.claimTook(MS);
    assertThat(ahead.reserve()).isZero();
  }

  @Test
  void theReserveCoversWhatTheThreadsUseUpInTwoClaimTimes() {
    ClaimAhead ahead = new ClaimAhead(8);
    ahead.taskTook(2 * MS);
    ahead.claimTook(MS);
    // 8 threads each finish a 2 ms task per 2 ms: 8 leases in the 2 ms two claims take.
    assertThat(ahead.reserve()).isEqualTo(8);
    assertThat(ahead.toClaim(8, 3)).isEqualTo(5);
    assertThat(ahead.toClaim(2, 0)).isEqualTo(14);
  }

  @Test
  void tasksMuchLongerThanAClaimKeepNoReserveSoNoNameWaitsOnABusyWorker() {
    ClaimAhead ahead = new ClaimAhead(4);
    ahead.taskTook(TimeUnit.MINUTES.toNanos(10));
    ahead.claimTook(2 * MS);
    assertThat(ahead.reserve()).isZero();
    assertThat(ahead.toClaim(4, 0)).isEqualTo(1);
    assertThat(ahead.toClaim(1, 0)).isEqualTo(3);
  }

  @Test
  void tasksThatTakeNoTimeKeepTheDeepestReserveAndNoMore() {
    ClaimAhead single = new ClaimAhead(1);
    single.taskTook(0);
    single.claimTook(MS);
    assertThat(single.reserve()).isEqualTo(16);
    ClaimAhead many = new ClaimAhead(20);
    many.taskTook(0);
    many.claimTook(MS);
    assertThat(many.reserve()).isEqualTo(40);
  }

  @Test
  void theTimesAreMovingAveragesSoOneSlowClaimDoesNotEmptyTheReserve() {
    ClaimAhead ahead = new ClaimAhead(8);
    ahead.taskTook(2 * MS);
    ahead.claimTook(MS);
    ahead.claimTook(20 * MS);
    // 1 + 0.2 × 19 = 4.8 ms average: capped at 16 for 8 threads.
    assertThat(ahead.reserve()).isEqualTo(16);
    ahead.taskTook(100 * MS);
    // Task average 2 + 0.2 × 98 = 21.6 ms: 8 × 2 × 4.8 ÷ 21.6 = 3.6.
    assertThat(ahead.reserve()).isEqualTo(3);
  }
}
