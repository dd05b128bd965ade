package dev.accord.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Which pods may reach a cluster's servers: the NetworkPolicy the operator keeps, or none. */
@EnableKubernetesMockClient(crud = true)
class ClusterNetworkPolicyTest {
  KubernetesClient client;
  ClusterFixture fixture;

  @BeforeEach
  void start() {
    fixture = new ClusterFixture(client, new TestClock(Instant.parse("2026-12-01T00:00:00Z")));
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void onlyInjectedNamespacesAndTheOperatorReachTheGrpcPortAndOnlyLabelledOnesTheMetrics() {
    fixture.create("demo", spec -> spec.setPort(7000));

    NetworkPolicy policy = fixture.await(NetworkPolicy.class, "demo-server");

    assertThat(policy.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getName()).isEqualTo("demo"));
    assertThat(policy.getSpec().getPodSelector().getMatchLabels())
        .as("the server pods, and only them")
        .isEqualTo(
            Map.of(
                "app.kubernetes.io/name", "accord",
                "app.kubernetes.io/instance", "demo",
                "app.kubernetes.io/component", "server"));
    assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
    NetworkPolicyIngressRule ingress = policy.getSpec().getIngress().get(0);
    assertThat(policy.getSpec().getIngress()).hasSize(2);
    assertThat(ingress.getPorts())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getPort().getIntVal()).isEqualTo(7000);
              assertThat(p.getProtocol()).isEqualTo("TCP");
            });
    assertThat(ingress.getFrom()).hasSize(2);
    NetworkPolicyPeer injected = ingress.getFrom().get(0);
    assertThat(injected.getPodSelector()).as("every pod of such a namespace").isNull();
    assertThat(injected.getNamespaceSelector().getMatchLabels())
        .isEqualTo(Map.of("accord.dev/injection", "enabled"));
    NetworkPolicyPeer operator = ingress.getFrom().get(1);
    assertThat(operator.getNamespaceSelector().getMatchLabels())
        .as("an empty namespace selector: the operator's pods in any namespace")
        .isNullOrEmpty();
    assertThat(operator.getNamespaceSelector().getMatchExpressions()).isNullOrEmpty();
    assertThat(operator.getPodSelector().getMatchLabels())
        .isEqualTo(Map.of("app.kubernetes.io/name", "accord-operator"));

    // The metrics port (which also serves the progress page) only from opted-in namespaces.
    NetworkPolicyIngressRule metrics = policy.getSpec().getIngress().get(1);
    assertThat(metrics.getPorts())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getPort().getIntVal()).isEqualTo(9090);
              assertThat(p.getProtocol()).isEqualTo("TCP");
            });
    assertThat(metrics.getFrom())
        .singleElement()
        .satisfies(
            peer -> {
              assertThat(peer.getPodSelector()).as("every pod of such a namespace").isNull();
              assertThat(peer.getNamespaceSelector().getMatchLabels())
                  .isEqualTo(Map.of("accord.dev/metrics", "enabled"));
            });
  }

  @Test
  void specNetworkPolicyFalseRemovesItAndTrueBringsItBack() {
    fixture.create("demo", spec -> {});
    fixture.await(NetworkPolicy.class, "demo-server");

    fixture.edit("demo", spec -> spec.setNetworkPolicy(false));
    await()
        .atMost(ClusterFixture.WAIT)
        .until(() -> fixture.get(NetworkPolicy.class, "demo-server") == null);

    fixture.edit("demo", spec -> spec.setNetworkPolicy(true));
    fixture.await(NetworkPolicy.class, "demo-server");
  }

  @Test
  void aClusterCreatedWithoutItNeverGetsOne() {
    fixture.create("open", spec -> spec.setNetworkPolicy(false));
    fixture.deployment("open");
    fixture.awaitCondition(
        "open",
        dev.accord.crd.v1alpha1.ConditionTypes.TLS_READY,
        "True",
        ConditionReasons.CERTIFICATE_ISSUED);

    assertThat(fixture.get(NetworkPolicy.class, "open-server")).isNull();
  }
}
