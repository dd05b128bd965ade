package dev.accord.operator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The metric-name reader the monitoring test relies on, on expressions shaped like ours. */
class PromQlNamesTest {
  @Test
  void readsMetricNamesAndNotFunctionsLabelsKeywordsRangesOrVariables() {
    String expr =
        "(sum by (namespace, accord_cluster) (rate(accord_takeovers_total{outcome=\"granted\"}[15m]))\n"
            + " / on (namespace) group_left max(accord_namespace_pending{namespace=~\"$namespace\"}))"
            + " > 0.05 and histogram_quantile(0.99, sum by (le) (rate(grpc_server_call_duration_seconds_bucket[$__rate_interval])))"
            + " or min(accord_certificate_expiry_seconds) < 7 * 24 * 3600 unless absent(accord_backend_up) offset 5m";

    assertThat(PromQlNames.in(expr))
        .containsExactly(
            "accord_backend_up",
            "accord_certificate_expiry_seconds",
            "accord_namespace_pending",
            "accord_takeovers_total",
            "grpc_server_call_duration_seconds_bucket");
  }

  @Test
  void aVariableQueryReadsTheMetricOfItsSelector() {
    assertThat(
            PromQlNames.inVariableQuery(
                "label_values(accord_backend_up{namespace=~\"$namespace\"}, accord_cluster)"))
        .containsExactly("accord_backend_up");
  }
}
