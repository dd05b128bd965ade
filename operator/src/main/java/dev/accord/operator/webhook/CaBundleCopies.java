package dev.accord.operator.webhook;

import dev.accord.crd.v1alpha1.AccordCluster;
import dev.accord.operator.AccordResources;
import dev.accord.operator.security.OperatorTls;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.util.Map;
import java.util.Objects;

/**
 * The CA ConfigMaps injected pods mount. A pod in the cluster's own namespace mounts the one the
 * operator keeps ({@code NAME-ca}); a pod in another namespace mounts a copy, {@code
 * accord-ca.CLUSTER_NAMESPACE.NAME}, which the webhook writes into that namespace when the first
 * such pod is admitted and refreshes whenever another is. So exactly the namespaces that have
 * injected pods get one, with no watch on every pod of the cluster. A CA is valid ten years and is
 * only replaced by hand; a copy lags a replaced CA until the next pod of its namespace is admitted.
 */
public final class CaBundleCopies implements PodCredentials.CaBundles {
  static final String COPY_PREFIX = "accord-ca.";

  private final KubernetesClient client;

  public CaBundleCopies(KubernetesClient client) {
    this.client = client;
  }

  /** The copy's name in another namespace. */
  public static String copyName(AccordCluster cluster) {
    return COPY_PREFIX
        + cluster.getMetadata().getNamespace()
        + "."
        + cluster.getMetadata().getName();
  }

  @Override
  public String configMapFor(AccordCluster cluster, String podNamespace) {
    String clusterNamespace = cluster.getMetadata().getNamespace();
    String source = AccordResources.caBundle(cluster);
    ConfigMap original = client.configMaps().inNamespace(clusterNamespace).withName(source).get();
    String ca =
        original == null || original.getData() == null
            ? null
            : original.getData().get(OperatorTls.CA_CERT_KEY);
    if (ca == null) {
      throw new IllegalStateException(
          "ConfigMap "
              + clusterNamespace
              + "/"
              + source
              + " with the cluster's CA is not there yet");
    }
    if (clusterNamespace.equals(podNamespace)) {
      return source;
    }
    String name = copyName(cluster);
    ConfigMap copy = client.configMaps().inNamespace(podNamespace).withName(name).get();
    if (copy == null
        || copy.getData() == null
        || !Objects.equals(ca, copy.getData().get(OperatorTls.CA_CERT_KEY))) {
      client
          .configMaps()
          .inNamespace(podNamespace)
          .resource(
              new ConfigMapBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .withNamespace(podNamespace)
                  .addToLabels("app.kubernetes.io/managed-by", AccordResources.MANAGED_BY)
                  .addToLabels("app.kubernetes.io/part-of", AccordResources.APP)
                  .addToLabels(AccordResources.OBJECT_LABEL, "ca-bundle-copy")
                  .addToAnnotations("accord.dev/source", clusterNamespace + "/" + source)
                  .endMetadata()
                  .withData(Map.of(OperatorTls.CA_CERT_KEY, ca))
                  .build())
          .createOr(NonDeletingOperation::update);
    }
    return name;
  }
}
