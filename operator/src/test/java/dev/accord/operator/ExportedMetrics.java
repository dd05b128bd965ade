package dev.accord.operator;

import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.accord.crd.v1alpha1.ConditionTypes;
import dev.accord.operator.metrics.OperatorMetrics;
import dev.accord.operator.metrics.Scrape;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The metric names (as Prometheus shows them) that the server and the operator export. */
final class ExportedMetrics {
  private ExportedMetrics() {}

  /**
   * The server's names, as the observability design fixes them for the server's metrics code
   * (histograms with _bucket/_sum/_count, Micrometer timers and distribution summaries with
   * _count/_sum/_max). To be replaced by the names of a running server's scrape once the server
   * exports them: this method is the one place to change.
   */
  static Set<String> server() {
    Set<String> names =
        new TreeSet<>(
            Set.of(
                "grpc_server_calls_total",
                "accord_acquires_total",
                "accord_claims_total",
                "accord_claim_names_total",
                "accord_renewals_total",
                "accord_dones_total",
                "accord_refusals_total",
                "accord_takeovers_total",
                "hikaricp_connections_active",
                "hikaricp_connections_pending",
                "hikaricp_connections_timeout_total",
                "accord_watch_streams",
                "accord_watch_names_sent_total",
                "accord_done_stream_lag_seconds",
                "accord_namespace_done",
                "accord_namespace_held",
                "accord_namespace_pending",
                "accord_backend_up",
                "jvm_memory_used_bytes",
                "process_cpu_usage",
                "jvm_threads_live_threads"));
    for (String suffix : Set.of("_bucket", "_sum", "_count")) {
      names.add("grpc_server_call_duration_seconds" + suffix);
    }
    for (String timer :
        Set.of(
            "accord_batch_size",
            "accord_batch_wait_seconds",
            "accord_statement_duration_seconds",
            "jvm_gc_pause_seconds")) {
      for (String suffix : Set.of("_count", "_sum", "_max")) {
        names.add(timer + suffix);
      }
    }
    return names;
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
