package dev.accord.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.accord.server.backend.Backend;
import dev.accord.server.backend.postgres.PostgresBackend;
import dev.accord.server.testing.TestPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The scrape over real PostgreSQL: the same accord_ counts, plus batches, statements and the pool.
 * Calls come one at a time, so every batch holds one request and runs the single statement.
 */
class PostgresServerMetricsTest extends ServerMetricsContract {
  @Override
  Backend openBackend() {
    return PostgresBackend.open(
        TestPostgres.newDatabase(4), "test PostgreSQL", () -> {}, metrics.registry());
  }

  @Override
  void backendSpecific(Scrape scrape) {
    assertThat(scrape.value("accord_batch_size_count", "kind", "acquire")).isEqualTo(5.0);
    assertThat(scrape.value("accord_batch_size_sum", "kind", "acquire")).isEqualTo(5.0);
    assertThat(scrape.value("accord_batch_size_max", "kind", "acquire")).isEqualTo(1.0);
    assertThat(scrape.value("accord_batch_wait_seconds_count", "kind", "acquire")).isEqualTo(5.0);
    assertThat(scrape.value("accord_batch_size_count", "kind", "done")).isEqualTo(2.0);
    assertThat(scrape.value("accord_batch_wait_seconds_count", "kind", "done")).isEqualTo(2.0);
    assertThat(scrape.value("accord_statement_duration_seconds_count", "statement", "acquire"))
        .isEqualTo(5.0);
    assertThat(
            scrape.value("accord_statement_duration_seconds_count", "statement", "acquire_batch"))
        .isEqualTo(0.0);
    assertThat(scrape.value("accord_statement_duration_seconds_count", "statement", "renew"))
        .isEqualTo(2.0);
    assertThat(scrape.value("accord_statement_duration_seconds_count", "statement", "claim"))
        .isEqualTo(1.0);
    assertThat(scrape.value("accord_statement_duration_seconds_count", "statement", "stats"))
        .isEqualTo(1.0);
    assertThat(scrape.value("hikaricp_connections_active", "pool", "accord")).isEqualTo(0.0);
    assertThat(scrape.value("hikaricp_connections_pending", "pool", "accord")).isEqualTo(0.0);
    assertThat(scrape.value("hikaricp_connections_timeout_total", "pool", "accord")).isEqualTo(0.0);
    assertThat(scrape.value("accord_done_stream_lag_seconds")).isGreaterThanOrEqualTo(0.0);
    // Every name the monitoring component's dashboards and alerts may use is in the scrape. The GC
    // pause timer exists once a collection has happened in this JVM: one is asked for.
    System.gc();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(
                        Scrape.of(metrics.scrape()).samples().stream()
                            .map(Scrape.Sample::name)
                            .distinct())
                    .containsAll(namesTheDashboardsMayUse()));
  }

  private static List<String> namesTheDashboardsMayUse() {
    try {
      return Files.readAllLines(Path.of("../manifests/monitoring/server-metrics.txt")).stream()
          .filter(line -> !line.isBlank() && !line.startsWith("#"))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
