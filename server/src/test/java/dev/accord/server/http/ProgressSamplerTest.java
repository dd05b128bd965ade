package dev.accord.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accord.server.CallSecurity;
import dev.accord.server.backend.HandleId;
import dev.accord.server.backend.memory.MemoryBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Rates and ETAs from the samples, on a clock moved by hand. */
class ProgressSamplerTest {
  private final AtomicLong clock = new AtomicLong(1_000_000);
  private PageFixture page;
  private ProgressSampler sampler;

  @BeforeEach
  void start() throws Exception {
    page = new PageFixture(new MemoryBackend(), CallSecurity.OPEN, "");
    sampler =
        new ProgressSampler(page.backend, clock::get, Duration.ofSeconds(1), Duration.ofMinutes(5));
  }

  @AfterEach
  void stop() {
    page.close();
  }

  @Test
  void theRateIsTheDoneCountsRiseOverTheWindowAndTheEtaWhatRemainsAtThatRate() {
    List<HandleId> held = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      held.add(page.held("batch", "r" + i));
    }
    NamespaceProgress first = sampler.one("batch");
    assertThat(first.ratePerSecond()).isNegative();
    assertThat(Format.rate(first)).isEqualTo("measuring…");
    assertThat(Format.eta(first)).isEqualTo("—");

    for (int i = 0; i < 10; i++) {
      page.done(held.get(i));
    }
    clock.addAndGet(5_000);
    NamespaceProgress later = sampler.one("batch");

    assertThat(later.ratePerSecond()).isEqualTo(2.0);
    assertThat(later.etaSeconds()).isEqualTo(10.0);
    assertThat(Format.rate(later)).isEqualTo("2.0/s");
    assertThat(Format.rateWindow(later)).isEqualTo("over 5s");
    assertThat(Format.eta(later)).isEqualTo("10s");
    assertThat(Format.percent(later)).isEqualTo("33.3");
  }

  @Test
  void readsAtMostOncePerIntervalAndOnlyWhenAsked() {
    page.held("batch", "a");
    NamespaceProgress before = sampler.one("batch");
    page.held("batch", "b");

    assertThat(sampler.one("batch").stats().held()).isEqualTo(before.stats().held()).isOne();
    clock.addAndGet(1_000);
    assertThat(sampler.one("batch").stats().held()).isEqualTo(2);
  }

  @Test
  void samplesOlderThanTheWindowAreForgotten() {
    List<HandleId> held = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      held.add(page.held("batch", "r" + i));
    }
    sampler.one("batch");
    for (int i = 0; i < 10; i++) {
      page.done(held.get(i));
    }
    clock.addAndGet(Duration.ofMinutes(5).toMillis());
    sampler.one("batch");
    clock.addAndGet(Duration.ofMinutes(1).toMillis());
    NamespaceProgress stalled = sampler.one("batch");

    // The first sample left the window: the last minute saw nothing done.
    assertThat(stalled.ratePerSecond()).isZero();
    assertThat(Format.rate(stalled)).isEqualTo("0.0/s");
    assertThat(Format.rateWindow(stalled)).isEqualTo("over 1m 0s");
    assertThat(Format.eta(stalled)).isEqualTo("—");
  }

  @Test
  void aNamespaceWithNothingLeftIsFinishedAndOneWithoutResourcesIsEmpty() {
    page.done("finished", "only");

    assertThat(Format.eta(sampler.one("finished"))).isEqualTo("finished");
    assertThat(sampler.one("nothing-here").stats().isEmpty()).isTrue();
  }
}
