package dev.accord.operator.dependents;

import dev.accord.crd.v1alpha1.AccordCluster;
import dev.accord.operator.AccordResources;
import dev.accord.operator.security.AccessFile;
import dev.accord.operator.security.ClusterSecurity;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.Map;

/**
 * The servers' access rules ({@value AccessFile#KEY}), rendered from spec.access. The servers
 * re-read the mounted file, so a rule change applies without a restart. When spec.access is
 * unusable the last good rules stay (the status says why).
 */
@KubernetesDependent(
    informer =
        @Informer(labelSelector = AccordResources.OBJECT_LABEL + "=" + AccessConfigMap.OBJECT))
public class AccessConfigMap extends CRUDKubernetesDependentResource<ConfigMap, AccordCluster> {
  public static final String OBJECT = "access";

  public AccessConfigMap() {
    super(ConfigMap.class);
  }

  @Override
  protected ConfigMap desired(AccordCluster cluster, Context<AccordCluster> context) {
    String rules = ClusterSecurity.from(context).accessFile();
    if (rules == null) {
      rules =
          context
              .getSecondaryResourcesAsStream(ConfigMap.class)
              .filter(c -> AccordResources.accessRules(cluster).equals(c.getMetadata().getName()))
              .findFirst()
              .map(ConfigMap::getData)
              .map(data -> data.get(AccessFile.KEY))
              .orElse(AccessFile.render(null));
    }
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(AccordResources.accessRules(cluster))
        .withNamespace(cluster.getMetadata().getNamespace())
        .withLabels(AccordResources.labels(cluster, AccordResources.COMPONENT_SERVER, OBJECT))
        .endMetadata()
        .withData(Map.of(AccessFile.KEY, rules))
        .build();
  }
}
