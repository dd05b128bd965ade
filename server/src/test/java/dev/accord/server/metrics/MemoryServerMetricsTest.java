package dev.accord.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accord.server.backend.Backend;
import dev.accord.server.backend.memory.MemoryBackend;

/** The scrape over the memory backend: the same accord_ counts, no database meters. */
class MemoryServerMetricsTest extends ServerMetricsContract {
  @Override
  Backend openBackend() {
    return new MemoryBackend();
  }

  @Override
  void backendSpecific(Scrape scrape) {
    assertThat(scrape.has("accord_batch_size_count")).isFalse();
    assertThat(scrape.has("hikaricp_connections_active")).isFalse();
    assertThat(scrape.value("accord_done_stream_lag_seconds")).isEqualTo(0.0);
  }
}
