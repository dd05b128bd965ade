package dev.accord.operator.dependents;

import dev.accord.crd.v1alpha1.AccordCluster;
import dev.accord.operator.AccordResources;
import dev.accord.operator.security.ClusterSecurity;
import dev.accord.operator.security.OperatorTls;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.Map;

/**
 * The cluster's certificate authority (ca.crt, ca.key), created once and kept while it exists. Only
 * the operator reads it: the servers mount {@link ServerTlsSecret}, which has no CA key.
 */
@KubernetesDependent(
    informer =
        @Informer(labelSelector = AccordResources.OBJECT_LABEL + "=" + ClusterCaSecret.OBJECT))
public class ClusterCaSecret extends ClusterOwnedSecret {
  public static final String OBJECT = "ca-secret";

  @Override
  protected Secret desired(AccordCluster cluster, Context<AccordCluster> context) {
    // desired() also names the Secret to delete when TLS is turned off: no certificate then.
    OperatorTls issued = ClusterSecurity.from(context).issued();
    return new SecretBuilder()
        .withNewMetadata()
        .withName(AccordResources.certificateAuthority(cluster))
        .withNamespace(cluster.getMetadata().getNamespace())
        .withLabels(AccordResources.labels(cluster, AccordResources.COMPONENT_SERVER, OBJECT))
        .endMetadata()
        .withType("Opaque")
        .withData(issued == null ? Map.of() : issued.caSecretData())
        .build();
  }
}
