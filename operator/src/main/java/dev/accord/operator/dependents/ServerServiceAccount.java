package dev.accord.operator.dependents;

import dev.accord.crd.v1alpha1.AccordCluster;
import dev.accord.operator.AccordResources;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * The servers' own identity: with authentication on, its token lets them ask the API server who a
 * caller is (TokenReview, granted by {@link dev.accord.operator.security.TokenReviewBinding}).
 */
@KubernetesDependent(
    informer =
        @Informer(labelSelector = AccordResources.OBJECT_LABEL + "=" + ServerServiceAccount.OBJECT))
public class ServerServiceAccount
    extends CRUDKubernetesDependentResource<ServiceAccount, AccordCluster> {
  public static final String OBJECT = "server-account";

  public ServerServiceAccount() {
    super(ServiceAccount.class);
  }

  @Override
  protected ServiceAccount desired(AccordCluster cluster, Context<AccordCluster> context) {
    return new ServiceAccountBuilder()
        .withNewMetadata()
        .withName(AccordResources.serverAccount(cluster))
        .withNamespace(cluster.getMetadata().getNamespace())
        .withLabels(AccordResources.labels(cluster, AccordResources.COMPONENT_SERVER, OBJECT))
        .endMetadata()
        .build();
  }
}
