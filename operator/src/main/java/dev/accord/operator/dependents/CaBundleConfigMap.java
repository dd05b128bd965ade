package dev.accord.operator.dependents;

import dev.accord.crd.v1alpha1.AccordCluster;
import dev.accord.operator.AccordResources;
import dev.accord.operator.security.ClusterSecurity;
import dev.accord.operator.security.OperatorTls;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.Map;

/**
 * The CA certificate clients trust (key ca.crt), public: the webhook mounts it into injected pods
 * of the cluster's namespace and copies it into other namespaces that have injected pods.
 */
@KubernetesDependent(
    informer =
        @Informer(labelSelector = AccordResources.OBJECT_LABEL + "=" + CaBundleConfigMap.OBJECT))
public class CaBundleConfigMap extends CRUDKubernetesDependentResource<ConfigMap, AccordCluster> {
  public static final String OBJECT = "ca-bundle";

  public CaBundleConfigMap() {
    super(ConfigMap.class);
  }

  @Override
  protected ConfigMap desired(AccordCluster cluster, Context<AccordCluster> context) {
    // desired() also names the ConfigMap to delete when there is no CA: no data then.
    String caBundle = ClusterSecurity.from(context).caBundle();
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(AccordResources.caBundle(cluster))
        .withNamespace(cluster.getMetadata().getNamespace())
        .withLabels(AccordResources.labels(cluster, AccordResources.COMPONENT_SERVER, OBJECT))
        .endMetadata()
        .withData(caBundle == null ? Map.of() : Map.of(OperatorTls.CA_CERT_KEY, caBundle))
        .build();
  }
}
