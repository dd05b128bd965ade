package dev.accord.server.metrics;

import dev.accord.server.backend.Backend;
import dev.accord.server.backend.BackendUnavailableException;
import dev.accord.server.backend.NamespaceScope;
import dev.accord.server.backend.NamespaceStats;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gauges read from the backend on a timer rather than at each scrape, so a scrape never waits on
 * the database: done, held and pending resources of the largest namespaces ({@code
 * accord_namespace_*}, at most {@code maxNamespaces} of them, largest by resources) and how far the
 * done stream lags ({@code accord_done_stream_lag_seconds}).
 */
public final class BackendGauges implements AutoCloseable {
  /** How often the gauges are read by default. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);

  private static final Logger log = LoggerFactory.getLogger(BackendGauges.class);

  private final Backend backend;
  private final int maxNamespaces;
  private final MeterRegistry registry;

  /** The namespaces exported now, each with its three gauges' values. */
  private final Map<String, Exported> exported = new HashMap<>();

  private final ScheduledExecutorService timer;
  private volatile double lagSeconds;
  private boolean failing;

  /**
   * Registers the gauges, empty until the first {@link #refresh()}.
   *
   * @param maxNamespaces how many namespaces are exported at most ({@code
   *     ACCORD_METRICS_NAMESPACES})
   */
  public BackendGauges(Backend backend, MeterRegistry registry, int maxNamespaces) {
    this.backend = backend;
    this.maxNamespaces = maxNamespaces;
    this.registry = registry;
    Gauge.builder("accord.done.stream.lag", this, gauges -> gauges.lagSeconds)
        .description(
            "How far the done stream's horizon lags behind now: the age of the oldest open"
                + " transaction holding Watch streams back")
        .baseUnit("seconds")
        .register(registry);
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "accord-metrics");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Refreshes now, then every {@code interval} in the background. */
  public BackendGauges start(Duration interval) {
    timer.scheduleWithFixedDelay(this::refresh, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /** Reads the backend once; while it does not answer, the gauges keep their last values. */
  public synchronized void refresh() {
    try {
      // With no namespace to export, the backend is not asked for every namespace's counts.
      List<NamespaceStats> all =
          maxNamespaces == 0
              ? new ArrayList<>()
              : new ArrayList<>(backend.namespaces("", NamespaceScope.EVERYTHING));
      all.sort(
          Comparator.comparingLong((NamespaceStats s) -> s.done() + s.held() + s.pending())
              .reversed()
              .thenComparing(NamespaceStats::namespace));
      List<NamespaceStats> top = all.subList(0, Math.min(maxNamespaces, all.size()));
      Set<String> gone = new HashSet<>(exported.keySet());
      for (NamespaceStats stats : top) {
        gone.remove(stats.namespace());
        exported.computeIfAbsent(stats.namespace(), this::export).set(stats);
      }
      for (String namespace : gone) {
        exported.remove(namespace).remove(registry);
      }
      lagSeconds = backend.doneStreamLagSeconds();
      failing = false;
    } catch (BackendUnavailableException e) {
      if (!failing) {
        log.debug("Namespace gauges not refreshed: {}", e.getMessage());
      }
      failing = true;
    }
  }

  private Exported export(String namespace) {
    Exported values = new Exported();
    values.gauges.add(gauge("accord.namespace.done", namespace, values.done, "Resources done"));
    values.gauges.add(
        gauge("accord.namespace.held", namespace, values.held, "Resources under a lease"));
    values.gauges.add(
        gauge(
            "accord.namespace.pending",
            namespace,
            values.pending,
            "Resources neither done nor under a lease"));
    return values;
  }

  private Gauge gauge(String name, String namespace, AtomicLong value, String description) {
    return Gauge.builder(name, value, AtomicLong::get)
        .description(description + ", per namespace (the largest namespaces only)")
        .tag("namespace", namespace)
        .strongReference(true)
        .register(registry);
  }

  /** One namespace's values, and its gauges, to remove when it drops out of the largest. */
  private static final class Exported {
    final AtomicLong done = new AtomicLong();
    final AtomicLong held = new AtomicLong();
    final AtomicLong pending = new AtomicLong();
    final List<Gauge> gauges = new ArrayList<>(3);

    void set(NamespaceStats stats) {
      done.set(stats.done());
      held.set(stats.held());
      pending.set(stats.pending());
    }

    void remove(MeterRegistry registry) {
      gauges.forEach(registry::remove);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
