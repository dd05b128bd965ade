package dev.accord.server.metrics;

import dev.accord.server.backend.Backend;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;

/**
 * A server's metrics: one registry every part of the server records into, with the JVM's and the
 * process's own meters, and its Prometheus text for {@code /metrics}. {@link #off()} records
 * nothing, for {@code ACCORD_METRICS=off} and for code that is given no metrics.
 */
public final class ServerMetrics implements AutoCloseable {
  private final MeterRegistry registry;
  private final PrometheusMeterRegistry prometheus;
  private final JvmGcMetrics gc;
  private final int maxNamespaces;
  private final Duration gaugeInterval;

  private ServerMetrics(
      MeterRegistry registry,
      PrometheusMeterRegistry prometheus,
      JvmGcMetrics gc,
      int maxNamespaces,
      Duration gaugeInterval) {
    this.maxNamespaces = maxNamespaces;
    this.gaugeInterval = gaugeInterval;
    this.registry = registry;
    this.prometheus = prometheus;
    this.gc = gc;
  }

  /** The most namespaces exported by default ({@code ACCORD_METRICS_NAMESPACES}). */
  public static final int DEFAULT_MAX_NAMESPACES = 20;

  /** {@link #prometheus(int, Duration)} with the default namespace cap and refresh interval. */
  public static ServerMetrics prometheus() {
    return prometheus(DEFAULT_MAX_NAMESPACES, BackendGauges.DEFAULT_INTERVAL);
  }

  /**
   * Metrics kept in a Prometheus registry, with the JVM and process meters bound.
   *
   * @param maxNamespaces how many namespaces get {@code accord_namespace_*} gauges (0: none)
   * @param gaugeInterval how often those gauges, and the done stream lag, are read
   */
  public static ServerMetrics prometheus(int maxNamespaces, Duration gaugeInterval) {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(prometheus);
    new JvmThreadMetrics().bindTo(prometheus);
    new ClassLoaderMetrics().bindTo(prometheus);
    new ProcessorMetrics().bindTo(prometheus);
    new UptimeMetrics().bindTo(prometheus);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(prometheus);
    return new ServerMetrics(prometheus, prometheus, gc, maxNamespaces, gaugeInterval);
  }

  /** Metrics that record nothing: every meter is a no-op and {@link #scrape()} is empty. */
  public static ServerMetrics off() {
    // A composite with no registries in it hands out no-op meters.
    return new ServerMetrics(new CompositeMeterRegistry(), null, null, 0, Duration.ZERO);
  }

  /**
   * Reads the hidden {@code ACCORD_METRICS} switch: {@code on} (the default) or {@code off}.
   *
   * @throws IllegalArgumentException naming ACCORD_METRICS
   */
  public static boolean parseSwitch(String value) {
    return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "on", "" -> true;
      case "off" -> false;
      default ->
          throw new IllegalArgumentException(
              "ACCORD_METRICS (--metrics) must be on or off, got \"" + value + "\"");
    };
  }

  /** Whether anything is recorded (false for {@link #off()}). */
  public boolean enabled() {
    return prometheus != null;
  }

  /** Where the server's parts register their meters. */
  public MeterRegistry registry() {
    return registry;
  }

  /**
   * Starts reading {@code backend}'s gauges in the background (nothing when {@link #off()}); the
   * caller closes what is returned.
   */
  public AutoCloseable startBackendGauges(Backend backend) {
    if (prometheus == null) {
      return () -> {};
    }
    return new BackendGauges(backend, registry, maxNamespaces).start(gaugeInterval);
  }

  /** The Prometheus text exposition of every meter (empty when {@link #off()}). */
  public String scrape() {
    return prometheus == null ? "" : prometheus.scrape();
  }

  /** The content type of {@link #scrape()}'s text. */
  public static String contentType() {
    return "text/plain; version=0.0.4; charset=utf-8";
  }

  @Override
  public void close() {
    if (gc != null) {
      gc.close();
    }
    registry.close();
  }
}
