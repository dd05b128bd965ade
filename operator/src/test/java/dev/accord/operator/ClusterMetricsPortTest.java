package dev.accord.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The servers' HTTP listener (metrics and the progress page): a container port named http-metrics,
 * ACCORD_HTTP_LISTEN on it, and the same port on both Services.
 */
@EnableKubernetesMockClient(crud = true)
class ClusterMetricsPortTest {
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

  static List<String> containerPorts(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts().stream()
        .map(p -> p.getName() + "=" + p.getContainerPort())
        .toList();
  }

  static List<String> servicePorts(Service service) {
    return service.getSpec().getPorts().stream()
        .map(
            p ->
                p.getName()
                    + "="
                    + p.getPort()
                    + "->"
                    + p.getTargetPort().getStrVal()
                    + " "
                    + p.getAppProtocol())
        .toList();
  }

  @Test
  void theServersListenForHttpOn9090AndBothServicesCarryThePort() {
    fixture.create("demo", spec -> spec.setPort(7475));

    Deployment deployment = fixture.deployment("demo");

    assertThat(containerPorts(deployment))
        .containsExactly("grpc=7475", "health=7476", "http-metrics=9090");
    assertThat(ClusterFixture.env(deployment).get("ACCORD_HTTP_LISTEN").getValue())
        .isEqualTo(":9090");
    // Prometheus finds the port by name on the pods; the Services carry it for a port-forward to
    // the progress page and for ServiceMonitors.
    for (String name : List.of("demo", "demo-headless")) {
      assertThat(servicePorts(fixture.await(Service.class, name)))
          .as("Service %s", name)
          .containsExactly("grpc=7475->grpc grpc", "http-metrics=9090->http-metrics http");
    }
  }

  @Test
  void aClusterWhoseGrpcOrHealthPortTakes9090GetsTheNextFreeOne() {
    // gRPC on 9089 with TLS (the default): the plaintext health port is 9090.
    fixture.create("crowded", spec -> spec.setPort(9089));

    Deployment deployment = fixture.deployment("crowded");

    assertThat(containerPorts(deployment))
        .containsExactly("grpc=9089", "health=9090", "http-metrics=9091");
    assertThat(ClusterFixture.env(deployment).get("ACCORD_HTTP_LISTEN").getValue())
        .isEqualTo(":9091");
    assertThat(servicePorts(fixture.await(Service.class, "crowded")))
        .containsExactly("grpc=9089->grpc grpc", "http-metrics=9091->http-metrics http");
  }
}
