package dev.accord.server.backend.postgres;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;

/**
 * The PostgreSQL backend's meters, each made once: statement latency by statement ({@code
 * accord_statement_duration_seconds}), and per batched write kind the batch sizes ({@code
 * accord_batch_size}) and how long requests waited for their batch ({@code
 * accord_batch_wait_seconds}).
 */
final class PostgresMeters {
  final MeterRegistry registry;
  final Batch acquire;
  final Batch done;
  final Timer renew;
  final Timer claim;
  final Timer list;
  final Timer donesAfter;
  final Timer doneHorizon;
  final Timer stats;
  final Timer namespaces;

  /** The meters of one batched write kind. */
  record Batch(DistributionSummary size, Timer queueWait, Timer alone, Timer together) {}

  PostgresMeters(MeterRegistry registry) {
    this.registry = registry;
    this.acquire = batch(registry, "acquire");
    this.done = batch(registry, "done");
    this.renew = statement(registry, "renew");
    this.claim = statement(registry, "claim");
    this.list = statement(registry, "list");
    this.donesAfter = statement(registry, "dones_after");
    this.doneHorizon = statement(registry, "done_horizon");
    this.stats = statement(registry, "stats");
    this.namespaces = statement(registry, "namespaces");
  }

  /** Meters that record nothing. */
  static PostgresMeters off() {
    return new PostgresMeters(new CompositeMeterRegistry());
  }

  private static Batch batch(MeterRegistry registry, String kind) {
    return new Batch(
        DistributionSummary.builder("accord.batch.size")
            .description("Requests per group-commit batch")
            .tag("kind", kind)
            .register(registry),
        Timer.builder("accord.batch.wait")
            .description("How long a request waited in the queue for its batch to start")
            .tag("kind", kind)
            .register(registry),
        statement(registry, kind),
        statement(registry, kind + "_batch"));
  }

  private static Timer statement(MeterRegistry registry, String statement) {
    return Timer.builder("accord.statement.duration")
        .description("Database statement latency, by statement")
        .tag("statement", statement)
        .register(registry);
  }
}
