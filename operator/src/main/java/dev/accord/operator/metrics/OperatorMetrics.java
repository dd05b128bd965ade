package dev.accord.operator.metrics;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;

/**
 * The operator's meters in one Prometheus registry: JOSDK's reconcile metrics, webhook admissions,
 * certificate expiry, and the JVM's. {@link #scrape()} is the text served at {@code /metrics}.
 */
public final class OperatorMetrics {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Metrics josdk;
  private final WebhookAdmissions admissions;
  private final CertificateExpiry certificates;

  public OperatorMetrics(Clock clock) {
    // Per resource: with a handful of clusters per operator, "which cluster fails" is worth the
    // labels; JOSDK removes a deleted cluster's meters itself.
    this.josdk =
        MicrometerMetrics.newPerResourceCollectingMicrometerMetricsBuilder(registry).build();
    this.admissions = new WebhookAdmissions(registry);
    this.certificates = new CertificateExpiry(registry, clock);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    // Not closed: it lives as long as the process.
    @SuppressWarnings("resource")
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
  }

  /** For {@code ConfigurationServiceOverrider.withMetrics}. */
  public Metrics josdk() {
    return josdk;
  }

  public WebhookAdmissions admissions() {
    return admissions;
  }

  public CertificateExpiry certificates() {
    return certificates;
  }

  /** Every meter in the Prometheus text format (0.0.4). */
  public String scrape() {
    return registry.scrape();
  }
}
