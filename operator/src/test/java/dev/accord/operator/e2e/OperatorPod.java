package dev.accord.operator.e2e;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The operator as its shipped Deployment ({@code manifests/operator/deployment.yaml}) runs it, one
 * replica, started by the stand-in kubelet: its image, environment, security context, memory limit
 * and /tmp emptyDir as written there. Only its ports differ, since pods here share this machine's
 * network: the webhook and health ports are ones free on it.
 */
final class OperatorPod {
  static final String NAMESPACE = "accord-system";
  static final String NAME = "accord-operator-0";

  private final PodSpec spec;

  private OperatorPod(PodSpec spec) {
    this.spec = spec;
  }

  static OperatorPod fromManifests(Path manifests) throws IOException {
    Deployment deployment;
    try (InputStream in = Files.newInputStream(manifests.resolve("operator/deployment.yaml"))) {
      deployment = Serialization.unmarshal(in, Deployment.class);
    }
    return new OperatorPod(deployment.getSpec().getTemplate().getSpec());
  }

  /** The operator's image, as the Deployment names it. */
  String image() {
    return container().getImage();
  }

  /** The server image the operator runs for clusters that name none (ACCORD_SERVER_IMAGE). */
  String serverImage() {
    return container().getEnv().stream()
        .filter(variable -> variable.getName().equals("ACCORD_SERVER_IMAGE"))
        .map(EnvVar::getValue)
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalStateException("the operator's Deployment sets no ACCORD_SERVER_IMAGE"));
  }

  /**
   * Starts the operator, its webhook and health ports ones free on this machine.
   *
   * @return the webhook's port
   */
  int start(StandInKubelet kubelet) throws IOException {
    int webhookPort = freePort();
    Container container = container();
    container.getEnv().removeIf(variable -> variable.getName().equals("ACCORD_WEBHOOK_PORT"));
    container.getEnv().add(new EnvVar("ACCORD_WEBHOOK_PORT", Integer.toString(webhookPort), null));
    container
        .getEnv()
        .add(new EnvVar("ACCORD_OPERATOR_HEALTH_PORT", Integer.toString(freePort()), null));
    if (kubelet.run(NAMESPACE, NAME, "127.0.0.1", spec).isEmpty()) {
      throw new IllegalStateException("the operator's pod waits for a volume it should not need");
    }
    return webhookPort;
  }

  /** A loopback port free a moment ago. */
  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private Container container() {
    return spec.getContainers().get(0);
  }
}
