package dev.accord.operator.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * {@code accord_certificate_expiry_seconds{cluster,namespace}}: seconds until each server
 * certificate's notAfter (negative once expired), computed at scrape time so it counts down between
 * reconciles. The webhook's own certificate is {@code cluster="webhook"}.
 */
public final class CertificateExpiry {
  private static final String NAME = "accord.certificate.expiry";

  private record Key(String namespace, String cluster) {}

  private final MeterRegistry registry;
  private final Clock clock;
  private final Map<Key, Supplier<Instant>> notAfter = new ConcurrentHashMap<>();
  private final Map<Key, Gauge> gauges = new ConcurrentHashMap<>();

  CertificateExpiry(MeterRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
  }

  /** The cluster's certificate expires at {@code expiry}; null: it has none (or none yet). */
  public void record(String namespace, String cluster, Instant expiry) {
    if (expiry == null) {
      forget(namespace, cluster);
    } else {
      track(namespace, cluster, () -> expiry);
    }
  }

  /** Follows a certificate that rotates by itself: {@code expiry} is read at each scrape. */
  public void track(String namespace, String cluster, Supplier<Instant> expiry) {
    Key key = new Key(namespace, cluster);
    notAfter.put(key, expiry);
    gauges.computeIfAbsent(
        key,
        k ->
            Gauge.builder(NAME, () -> secondsLeft(k))
                .description("Seconds until the certificate's notAfter; negative once expired")
                .baseUnit("seconds")
                .tag("namespace", k.namespace())
                .tag("cluster", k.cluster())
                .register(registry));
  }

  /** The cluster is gone or serves without TLS: no series for it. */
  public void forget(String namespace, String cluster) {
    Key key = new Key(namespace, cluster);
    notAfter.remove(key);
    Gauge gauge = gauges.remove(key);
    if (gauge != null) {
      registry.remove(gauge);
    }
  }

  private double secondsLeft(Key key) {
    Supplier<Instant> expiry = notAfter.get(key);
    if (expiry == null) {
      return Double.NaN;
    }
    return Duration.between(clock.instant(), expiry.get()).toMillis() / 1000.0;
  }
}
