package dev.accord.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accord.server.backend.AcquireCommand;
import dev.accord.server.backend.memory.MemoryBackend;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The per-namespace gauges: only the largest namespaces, as many as the cap allows. */
class BackendGaugesTest {
  private final MemoryBackend backend = new MemoryBackend();

  private void grant(String namespace, int count) {
    for (int i = 0; i < count; i++) {
      backend.acquire(AcquireCommand.of("w", namespace, namespace + "-" + i, 60, Map.of()));
    }
  }

  @Test
  void exportsTheLargestNamespacesUpToTheCapAndDropsThoseThatFallOut() {
    try (ServerMetrics metrics = ServerMetrics.prometheus()) {
      BackendGauges gauges = new BackendGauges(backend, metrics.registry(), 2);
      grant("small", 1);
      grant("medium", 2);
      grant("large", 3);

      gauges.refresh();
      Scrape scrape = Scrape.of(metrics.scrape());
      assertThat(scrape.value("accord_namespace_held", "namespace", "large")).isEqualTo(3.0);
      assertThat(scrape.value("accord_namespace_held", "namespace", "medium")).isEqualTo(2.0);
      assertThat(scrape.samples()).noneMatch(s -> "small".equals(s.labels().get("namespace")));

      grant("small", 4); // small-0 is held already: 4 in all
      gauges.refresh();
      scrape = Scrape.of(metrics.scrape());
      assertThat(scrape.value("accord_namespace_held", "namespace", "small")).isEqualTo(4.0);
      assertThat(scrape.value("accord_namespace_pending", "namespace", "large")).isEqualTo(0.0);
      assertThat(scrape.samples()).noneMatch(s -> "medium".equals(s.labels().get("namespace")));
      gauges.close();
    }
  }

  @Test
  void metricsOffRecordNothingAndTheSwitchIsOnOrOff() {
    try (ServerMetrics off = ServerMetrics.off()) {
      new AccordMeters(off.registry()).renewed();
      assertThat(off.enabled()).isFalse();
      assertThat(off.scrape()).isEmpty();
    }
    assertThat(ServerMetrics.parseSwitch("OFF")).isFalse();
    assertThat(ServerMetrics.parseSwitch("on")).isTrue();
    assertThatThrownBy(() -> ServerMetrics.parseSwitch("maybe"))
        .hasMessage("ACCORD_METRICS (--metrics) must be on or off, got \"maybe\"");
  }
}
