package dev.accord.operator.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/** {@code accord_webhook_admissions_total{outcome}}: what the webhook did with each pod. */
public final class WebhookAdmissions {
  /** What became of one admitted pod. */
  public enum Outcome {
    /** Accord's settings were patched in. */
    INJECTED,
    /** No annotation, or nothing to change: passed as it came. */
    UNCHANGED,
    /** Passed unchanged with an admission warning saying why it was not configured. */
    WARNED
  }

  private final Map<Outcome, Counter> counters = new EnumMap<>(Outcome.class);

  public WebhookAdmissions(MeterRegistry registry) {
    // All three from the start, so rate() and alerts see zeros rather than absent series.
    for (Outcome outcome : Outcome.values()) {
      counters.put(
          outcome,
          Counter.builder("accord.webhook.admissions")
              .description("Pods the mutating webhook admitted, by what it did with them")
              .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
              .register(registry));
    }
  }

  public void count(Outcome outcome) {
    counters.get(outcome).increment();
  }
}
