package dev.accord.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accord.chaos.Nemesis.Fault;
import dev.accord.chaos.Nemesis.Step;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The fault schedule a seed draws: the same every time, every kind of fault early. */
class NemesisScheduleTest {

  @Test
  @DisplayName("one seed, one schedule; another seed, another")
  void seedDrawsTheSchedule() {
    List<Step> first = Nemesis.schedule(42, 20, 2);

    assertThat(Nemesis.schedule(42, 20, 2)).isEqualTo(first);
    assertThat(Nemesis.schedule(43, 20, 2)).isNotEqualTo(first);
  }

  @Test
  @DisplayName("the first steps inject every kind of fault, on either server, held for seconds")
  void everyKindOfFaultComesFirst() {
    for (long seed = 0; seed < 50; seed++) {
      List<Step> steps = Nemesis.schedule(seed, 10, 2);

      assertThat(steps.subList(0, Fault.values().length))
          .extracting(Step::fault)
          .as("seed %d", seed)
          .containsExactlyInAnyOrder(Fault.values());
      assertThat(steps)
          .allSatisfy(
              step -> {
                assertThat(step.server()).isBetween(0, 1);
                assertThat(step.held().toMillis()).isBetween(200L, 6_000L);
                assertThat(step.quietBefore().toMillis()).isBetween(1_000L, 4_000L);
              });
    }
  }
}
