package dev.accord.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.accord.certs.Pem;
import dev.accord.crd.v1alpha1.AccordCluster;
import dev.accord.crd.v1alpha1.ConditionTypes;
import dev.accord.operator.metrics.OperatorMetrics;
import dev.accord.operator.metrics.Scrape;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator's {@code /metrics}, scraped over HTTP after reconciles against the mock API server:
 * JOSDK's reconcile counters, and the certificate expiry of each cluster.
 */
@EnableKubernetesMockClient(crud = true)
class OperatorMetricsTest {
  private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");
  private static final String RECONCILER = "accordclusterreconciler";

  KubernetesClient client;
  private TestClock clock;
  private ClusterFixture fixture;
  private HttpServer endpoints;

  @BeforeEach
  void start() throws Exception {
    clock = new TestClock(NOW);
    OperatorMetrics metrics = new OperatorMetrics(clock);
    fixture = new ClusterFixture(client, clock, metrics);
    endpoints = OperatorEndpoints.start(0, fixture::healthy, fixture::started, metrics::scrape);
  }

  @AfterEach
  void stop() {
    endpoints.stop(0);
    fixture.close();
  }

  /** What the operator serves now; also kept under target/ for a reader of the test report. */
  Scrape scrape() throws Exception {
    Scrape scrape = Scrape.of("http://127.0.0.1:" + endpoints.getAddress().getPort() + "/metrics");
    Files.writeString(
        Path.of("target", "operator-metrics.txt"), scrape.text(), StandardCharsets.UTF_8);
    return scrape;
  }

  static Map<String, String> cluster(String name) {
    return Map.of("name", name, "namespace", ClusterFixture.NS, "kind", "AccordCluster");
  }

  @Test
  void aReconciledClusterShowsInJosdksCountersAndItsCertificateCountsDownToNotAfter()
      throws Exception {
    fixture.create("accord", spec -> {});
    fixture.awaitCondition(
        "accord", ConditionTypes.BACKEND_READY, "True", ConditionReasons.CONFIGURED);
    Secret tls = fixture.await(Secret.class, "accord-tls");
    Instant notAfter =
        Pem.readCertificate(ClusterFixture.decoded(tls, "tls.crt")).getNotAfter().toInstant();

    // Once the operator is idle every reconcile it started has ended, and none failed.
    Scrape idle =
        await()
            .atMost(ClusterFixture.WAIT)
            .until(
                this::scrape,
                s ->
                    s.sum("operator_sdk_reconciliations_started_total", cluster("accord")) > 0
                        && s.sum("operator_sdk_reconciliations_started_total", cluster("accord"))
                            == s.sum(
                                "operator_sdk_reconciliations_success_total", cluster("accord")));
    assertThat(idle.find("operator_sdk_reconciliations_failed_total", cluster("accord"))).isEmpty();
    assertThat(
            idle.value(
                "operator_sdk_reconciliations_executions_" + RECONCILER,
                Map.of("kind", "AccordCluster")))
        .isZero();
    // The reconcile timer and its outcome counter see the same executions.
    assertThat(
            idle.sum(
                "operator_sdk_controllers_execution_reconcile_success_total",
                Map.of("controller", RECONCILER)))
        .isPositive()
        .isEqualTo(
            idle.sum(
                "operator_sdk_controllers_execution_reconcile_seconds_count",
                Map.of("controller", RECONCILER, "resource_name", "accord")));
    assertThat(
            idle.value(
                "accord_certificate_expiry_seconds",
                Map.of("cluster", "accord", "namespace", ClusterFixture.NS)))
        .isEqualTo(Duration.between(NOW, notAfter).toSeconds());

    // The gauge is read at scrape time: it counts down with the clock between reconciles.
    clock.set(NOW.plus(Duration.ofDays(1)));
    assertThat(
            scrape()
                .value(
                    "accord_certificate_expiry_seconds",
                    Map.of("cluster", "accord", "namespace", ClusterFixture.NS)))
        .isEqualTo(Duration.between(NOW.plus(Duration.ofDays(1)), notAfter).toSeconds());

    // A deleted cluster leaves no certificate series behind.
    client
        .resources(AccordCluster.class)
        .inNamespace(ClusterFixture.NS)
        .withName("accord")
        .delete();
    await()
        .atMost(ClusterFixture.WAIT)
        .until(
            () -> scrape().find("accord_certificate_expiry_seconds", Map.of("cluster", "accord")),
            found -> found.isEmpty());
  }

  @Test
  void aReconcileThatFailsIsCountedByJosdkWithItsException() throws Exception {
    // A user's Secret under the name of the servers' certificate: the operator cannot write it,
    // so every reconcile of this cluster fails (see ClusterSecretNamesTest).
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("other-tls")
                .withNamespace(ClusterFixture.NS)
                .endMetadata()
                .build())
        .create();
    fixture.create("other", spec -> spec.getPostgres().getExternal().setSecretName("other-tls"));
    fixture.awaitCondition(
        "other", ConditionTypes.DEGRADED, "True", ConditionReasons.RECONCILE_FAILED);

    Scrape failed =
        await()
            .atMost(ClusterFixture.WAIT)
            .until(
                this::scrape,
                s -> s.sum("operator_sdk_reconciliations_failed_total", cluster("other")) > 0);
    assertThat(failed.find("operator_sdk_reconciliations_failed_total", cluster("other")))
        .extracting(sample -> sample.labels().get("exception"))
        // The workflow gathers its dependents' failures into one exception.
        .containsOnly("AggregatedOperatorException");
    assertThat(
            failed.sum(
                "operator_sdk_controllers_execution_reconcile_failure_total",
                Map.of("controller", RECONCILER)))
        .isPositive();
  }
}
