package dev.accord.operator.security;

import dev.accord.crd.v1alpha1.AccordCluster;
import dev.accord.operator.AccordResources;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.util.Objects;

/**
 * Binds the servers' ServiceAccount to the standard ClusterRole {@value #CLUSTER_ROLE}, which
 * allows {@code tokenreviews create} (and {@code subjectaccessreviews create}): TokenReviews are
 * cluster-scoped, so a RoleBinding cannot grant them.
 *
 * <p>A cluster-scoped object cannot be owned by a namespaced AccordCluster (the garbage collector
 * would never delete it), so the reconciler writes it and deletes it itself, the latter from its
 * cleanup when the cluster is deleted or authentication is turned off.
 */
public final class TokenReviewBinding {
  public static final String CLUSTER_ROLE = "system:auth-delegator";
  static final String OBJECT = "token-review-binding";

  private TokenReviewBinding() {}

  public static ClusterRoleBinding desired(AccordCluster cluster) {
    return new ClusterRoleBindingBuilder()
        .withNewMetadata()
        .withName(AccordResources.tokenReviewBinding(cluster))
        .withLabels(AccordResources.labels(cluster, AccordResources.COMPONENT_SERVER, OBJECT))
        .addToLabels("accord.dev/cluster-namespace", cluster.getMetadata().getNamespace())
        .endMetadata()
        .withNewRoleRef()
        .withApiGroup("rbac.authorization.k8s.io")
        .withKind("ClusterRole")
        .withName(CLUSTER_ROLE)
        .endRoleRef()
        .addNewSubject()
        .withKind("ServiceAccount")
        .withName(AccordResources.serverAccount(cluster))
        .withNamespace(cluster.getMetadata().getNamespace())
        .endSubject()
        .build();
  }

  /** Creates the binding, or puts it back as {@link #desired} when it differs. */
  public static void apply(KubernetesClient client, AccordCluster cluster) {
    ClusterRoleBinding desired = desired(cluster);
    ClusterRoleBinding existing =
        client.rbac().clusterRoleBindings().withName(desired.getMetadata().getName()).get();
    if (existing != null
        && Objects.equals(existing.getRoleRef(), desired.getRoleRef())
        && Objects.equals(existing.getSubjects(), desired.getSubjects())
        && Objects.equals(existing.getMetadata().getLabels(), desired.getMetadata().getLabels())) {
      return;
    }
    if (existing != null && !Objects.equals(existing.getRoleRef(), desired.getRoleRef())) {
      // roleRef cannot change on an existing binding.
      client.rbac().clusterRoleBindings().withName(desired.getMetadata().getName()).delete();
    }
    client.rbac().clusterRoleBindings().resource(desired).createOr(NonDeletingOperation::update);
  }

  /** Deletes the binding when it exists. */
  public static void delete(KubernetesClient client, AccordCluster cluster) {
    client
        .rbac()
        .clusterRoleBindings()
        .withName(AccordResources.tokenReviewBinding(cluster))
        .delete();
  }
}
