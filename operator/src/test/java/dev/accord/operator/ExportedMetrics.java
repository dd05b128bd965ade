package dev.accord.operator;

import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.accord.crd.v1alpha1.ConditionTypes;
import dev.accord.operator.metrics.OperatorMetrics;
import dev.accord.operator.metrics.Scrape;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** The metric names (as Prometheus shows them) that the server and the operator export. */
final class ExportedMetrics {
  private ExportedMetrics() {}

  /**
   * The server's names the dashboards and alerts may use: {@code monitoring/server-metrics.txt},
   * which the server module's {@code PostgresServerMetricsTest} checks against a running server's
   * scrape.
   */
  static Set<String> server() {
    Path file =
        Paths.get(System.getProperty("accord.manifests"), "monitoring", "server-metrics.txt");
    try {
      return Files.readAllLines(file).stream()
          .filter(line -> !line.isBlank() && !line.startsWith("#"))
          .collect(Collectors.toCollection(TreeSet::new));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The operator's names, read off its own {@code /metrics} over HTTP after it reconciled one
   * cluster that succeeds and one that fails (JOSDK creates its failure counters on the first
   * failure only).
   */
  static Set<String> operator(KubernetesClient client) throws Exception {
    OperatorMetrics metrics = new OperatorMetrics(Clock.systemUTC());
    try (ClusterFixture fixture = new ClusterFixture(client, Clock.systemUTC(), metrics)) {
      HttpServer endpoints =
          OperatorEndpoints.start(0, fixture::healthy, fixture::started, metrics::scrape);
      try {
        fixture.create("good", spec -> {});
        client
            .resource(
                new SecretBuilder()
                    .withNewMetadata()
                    .withName("bad-tls")
                    .withNamespace(ClusterFixture.NS)
                    .endMetadata()
                    .build())
            .create();
        // A user's Secret under the servers' certificate name: every reconcile of "bad" fails.
        fixture.create("bad", spec -> spec.getPostgres().getExternal().setSecretName("bad-tls"));
        fixture.awaitCondition(
            "bad", ConditionTypes.DEGRADED, "True", ConditionReasons.RECONCILE_FAILED);
        fixture.awaitCondition(
            "good", ConditionTypes.BACKEND_READY, "True", ConditionReasons.CONFIGURED);
        String url = "http://127.0.0.1:" + endpoints.getAddress().getPort() + "/metrics";
        return await()
            .atMost(ClusterFixture.WAIT)
            .until(
                () -> Scrape.of(url),
                s ->
                    s.sum("operator_sdk_reconciliations_failed_total", Map.of("name", "bad")) > 0
                        && !s.find("accord_certificate_expiry_seconds", Map.of("cluster", "good"))
                            .isEmpty())
            .names();
      } finally {
        endpoints.stop(0);
      }
    }
  }
}
