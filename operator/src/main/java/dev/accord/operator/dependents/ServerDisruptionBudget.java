package dev.accord.operator.dependents;

import dev.accord.crd.v1alpha1.AccordCluster;
import dev.accord.operator.AccordResources;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** With several servers, voluntary disruptions (node drains) take at most one at a time. */
@KubernetesDependent(
    informer =
        @Informer(
            labelSelector = AccordResources.OBJECT_LABEL + "=" + ServerDisruptionBudget.OBJECT))
public class ServerDisruptionBudget
    extends CRUDKubernetesDependentResource<PodDisruptionBudget, AccordCluster> {
  static final String OBJECT = "server-pdb";

  public ServerDisruptionBudget() {
    super(PodDisruptionBudget.class);
  }

  @Override
  protected PodDisruptionBudget desired(AccordCluster cluster, Context<AccordCluster> context) {
    return new PodDisruptionBudgetBuilder()
        .withNewMetadata()
        .withName(AccordResources.disruptionBudget(cluster))
        .withNamespace(cluster.getMetadata().getNamespace())
        .withLabels(AccordResources.labels(cluster, AccordResources.COMPONENT_SERVER, OBJECT))
        .endMetadata()
        .withNewSpec()
        .withMaxUnavailable(new IntOrString(1))
        .withNewSelector()
        .withMatchLabels(AccordResources.selector(cluster, AccordResources.COMPONENT_SERVER))
        .endSelector()
        .endSpec()
        .build();
  }
}
