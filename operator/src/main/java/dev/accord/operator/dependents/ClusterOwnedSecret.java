package dev.accord.operator.dependents;

import dev.accord.crd.v1alpha1.AccordCluster;
import dev.accord.operator.AccordResources;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A Secret the cluster owns. JOSDK looks a dependent's object up among the Secrets of every Secret
 * event source of the reconciler, and those include the user's external database Secret: only a
 * Secret carrying this cluster's owner reference is taken for the dependent's, so a user's Secret
 * that happens to have its name ({@code accord-postgres} for the cluster {@code accord}, as in the
 * sample) is never updated or deleted.
 */
abstract class ClusterOwnedSecret extends CRUDKubernetesDependentResource<Secret, AccordCluster> {
  ClusterOwnedSecret() {
    super(Secret.class);
  }

  @Override
  protected Optional<Secret> selectTargetSecondaryResource(
      Set<Secret> secondaries, AccordCluster cluster, Context<AccordCluster> context) {
    return super.selectTargetSecondaryResource(
        secondaries.stream()
            .filter(secret -> AccordResources.ownedBy(secret, cluster))
            .collect(Collectors.toSet()),
        cluster,
        context);
  }
}
