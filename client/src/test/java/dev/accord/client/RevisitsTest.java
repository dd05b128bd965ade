package dev.accord.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import org.junit.jupiter.api.Test;

/** When a work loop comes back to names, on a clock the test sets. */
class RevisitsTest {
  private static final long SECOND = 1_000_000_000L;

  private static List<String> names(List<Revisits.Due> due) {
    return due.stream().map(Revisits.Due::name).toList();
  }

  @Test
  void heldNamesWithoutATimeWaitForTheSourceToBeExhausted() {
    Revisits revisits = new Revisits();
    revisits.held("a");

    assertThat(revisits.nanosUntilNext(0)).isEqualTo(-1);
    revisits.sourceExhausted(0);

    assertThat(names(revisits.takeDue(0, 10))).containsExactly("a");
  }

  @Test
  void namesComeDueInTheOrderOfTheirTimesAtMostMaxAtOnce() {
    Revisits revisits = new Revisits();
    revisits.heldFor("late", 3 * SECOND, 0);
    revisits.retry("soon", SECOND, 0);
    revisits.heldFor("middle", 2 * SECOND, 0);

    assertThat(revisits.takeDue(SECOND - 1, 10)).isEmpty();
    assertThat(revisits.nanosUntilNext(0)).isEqualTo(SECOND);
    assertThat(revisits.takeDue(3 * SECOND, 2))
        .extracting(Revisits.Due::name, Revisits.Due::held)
        .containsExactly(tuple("soon", false), tuple("middle", true));
    assertThat(names(revisits.takeDue(3 * SECOND, 2))).containsExactly("late");
    assertThat(revisits.nanosUntilNext(3 * SECOND)).isEqualTo(-1);
  }

  @Test
  void aForgottenOrRequeuedNameLeavesNoStaleEntryBehind() {
    Revisits revisits = new Revisits();
    revisits.heldFor("done-meanwhile", 600 * SECOND, 0);
    revisits.heldFor("renewed", SECOND, 0);
    revisits.heldFor("renewed", 5 * SECOND, SECOND);

    revisits.forget("done-meanwhile");

    assertThat(revisits.nanosUntilNext(0)).isEqualTo(6 * SECOND);
    assertThat(names(revisits.takeDue(6 * SECOND, 10))).containsExactly("renewed");
    assertThat(revisits.nanosUntilNext(6 * SECOND)).isEqualTo(-1);
  }

  @Test
  void aTimeThatPassedHereButNotOnTheServerIsRetriedAfterAGrowingBackoff() {
    Revisits revisits = new Revisits();

    revisits.heldFor("a", 0, 0);
    long first = revisits.nanosUntilNext(0);
    revisits.takeDue(first, 1);
    revisits.heldFor("a", -SECOND, 0);
    long second = revisits.nanosUntilNext(0);

    // Backoff(100 ms, 5 s) with jitter: the first from 50 to 100 ms, the second from 100 to 200.
    assertThat(first).isBetween(50_000_000L, 100_000_000L);
    assertThat(second).isBetween(100_000_000L, 200_000_000L);
  }
}
