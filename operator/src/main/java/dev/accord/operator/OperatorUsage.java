package dev.accord.operator;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * What {@code java -jar accord-operator.jar --help} prints, and the one line said when the
 * Kubernetes API server cannot be reached.
 */
final class OperatorUsage {
  private OperatorUsage() {}

  static final String HELP =
      """
      Usage: java -jar accord-operator.jar [--help | --version]
      The Accord operator: runs AccordCluster resources (servers, their Service and PodDisruptionBudget,
      their database settings) and the webhook that gives annotated pods their Accord settings.
      It takes no arguments; it is configured by its environment:
        ACCORD_OPERATOR_NAMESPACES       namespaces to watch, comma-separated (default: all)
        ACCORD_SERVER_IMAGE              server image of clusters that name none (default: this version's)
        ACCORD_OPERATOR_LEADER_ELECTION  false turns leader election off (default on when POD_NAMESPACE is set)
        ACCORD_OPERATOR_HEALTH_PORT      port of /healthz, /readyz and /metrics (default 8080)
        ACCORD_WEBHOOK_PORT              port of the admission webhook, or off (default 9443; on only with POD_NAMESPACE)
        POD_NAMESPACE, POD_NAME          this replica's namespace and name (the Downward API sets them)
        ACCORD_LOG_LEVEL                 ERROR, WARN, INFO or DEBUG (default INFO)
      The Kubernetes API server is found as kubectl finds it: KUBECONFIG (or ~/.kube/config), or
      inside a pod its ServiceAccount (KUBERNETES_SERVICE_HOST and the mounted token).
      """;

  /**
   * Says which API server was tried, found how, and what to do, in one line.
   *
   * @param reason why the connection failed, in one line
   */
  static String unreachable(Config config, String reason) {
    String source =
        System.getenv("KUBERNETES_SERVICE_HOST") != null
            ? "the in-cluster ServiceAccount (KUBERNETES_SERVICE_HOST)"
            : System.getenv("KUBECONFIG") != null
                ? "KUBECONFIG=" + System.getenv("KUBECONFIG")
                : "~/.kube/config, or the default when there is none";
    return "Cannot reach the Kubernetes API server at "
        + config.getMasterUrl()
        + " (from "
        + source
        + "): "
        + reason
        + ". Set KUBECONFIG to a cluster's kubeconfig, or run the operator in a cluster (manifests/operator)";
  }

  /**
   * Asks the API server its version once, without retries.
   *
   * @return null when it answered (or failed other than by not being reachable: RBAC and the like
   *     are reported by the operator's start), else the line for {@link #unreachable}
   */
  static String probe(Config config) {
    Config once = new ConfigBuilder(config).withRequestRetryBackoffLimit(0).build();
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(once).build()) {
      client.getKubernetesVersion();
      return null;
    } catch (KubernetesClientException e) {
      return Failures.isConnectionFailure(e) ? unreachable(config, Failures.rootMessage(e)) : null;
    }
  }
}
