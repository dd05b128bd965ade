package dev.accord.operator.webhook;

import static dev.accord.operator.webhook.WebhookFixtures.annotations;
import static dev.accord.operator.webhook.WebhookFixtures.array;
import static dev.accord.operator.webhook.WebhookFixtures.container;
import static dev.accord.operator.webhook.WebhookFixtures.pod;
import static dev.accord.operator.webhook.WebhookFixtures.readyCluster;
import static dev.accord.operator.webhook.WebhookFixtures.review;
import static dev.accord.operator.webhook.WebhookServerTest.LOCAL;
import static dev.accord.operator.webhook.WebhookServerTest.NAMESPACE;
import static dev.accord.operator.webhook.WebhookServerTest.send;
import static dev.accord.operator.webhook.WebhookServerTest.trustingOnly;
import static dev.accord.operator.webhook.WebhookServerTest.url;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.accord.operator.OperatorEndpoints;
import dev.accord.operator.metrics.OperatorMetrics;
import dev.accord.operator.metrics.Scrape;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/**
 * Each admission is counted by what the webhook did with the pod, and the webhook's serving
 * certificate shows in the certificate expiry, both on the operator's {@code /metrics}.
 */
@EnableKubernetesMockClient(crud = true)
class WebhookMetricsTest {
  private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");

  KubernetesClient client;

  @Test
  void admissionsAreCountedByOutcomeAndTheServingCertificateExpiryIsExported() throws Exception {
    client.resource(readyCluster("jobs", "accord", "5m")).create();
    client
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("accord-ca")
                .withNamespace("jobs")
                .endMetadata()
                .addToData("ca.crt", "-----BEGIN CERTIFICATE-----\n...")
                .build())
        .create();
    OperatorMetrics metrics = new OperatorMetrics(new WebhookFixtures.MutableClock(NOW));
    try (WebhookServer webhook =
        WebhookServer.start(client, NAMESPACE, 0, LOCAL, metrics.admissions())) {
      metrics
          .certificates()
          .track(
              NAMESPACE, "webhook", () -> webhook.servingCertificate().getNotAfter().toInstant());
      HttpServer endpoints = OperatorEndpoints.start(0, () -> true, () -> true, metrics::scrape);
      try {
        SSLContext tls = trustingOnly(ca(webhook));
        String target = url(webhook, "localhost");
        String injected =
            pod(annotations("accord.dev/cluster", "accord"), array(container("worker")), null);
        String unchanged = pod(Map.of(), array(container("web")), null);
        String warned =
            pod(annotations("accord.dev/cluster", "jobs/missing"), array(container("w")), null);

        send(tls, "POST", target, review("u1", "jobs", injected));
        send(tls, "POST", target, review("u2", "jobs", unchanged));
        send(tls, "POST", target, review("u3", "jobs", unchanged));
        send(tls, "POST", target, review("u4", "web", warned));
        // Not an AdmissionReview: answered 400 and not an admission at all.
        assertThat(send(tls, "POST", target, "{}").statusCode()).isEqualTo(400);

        Scrape scrape =
            Scrape.of("http://127.0.0.1:" + endpoints.getAddress().getPort() + "/metrics");
        String name = "accord_webhook_admissions_total";
        assertThat(scrape.value(name, Map.of("outcome", "injected"))).isEqualTo(1);
        assertThat(scrape.value(name, Map.of("outcome", "unchanged"))).isEqualTo(2);
        assertThat(scrape.value(name, Map.of("outcome", "warned"))).isEqualTo(1);
        assertThat(
                scrape.value(
                    "accord_certificate_expiry_seconds",
                    Map.of("cluster", "webhook", "namespace", NAMESPACE)))
            .isEqualTo(
                Duration.between(NOW, webhook.servingCertificate().getNotAfter().toInstant())
                    .toSeconds());
      } finally {
        endpoints.stop(0);
      }
    }
  }

  private X509Certificate ca(WebhookServer webhook) throws Exception {
    return (X509Certificate)
        CertificateFactory.getInstance("X.509")
            .generateCertificate(
                new java.io.ByteArrayInputStream(
                    webhook.caCertificatePem().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }
}
