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
 * The servers' certificate (tls.crt, tls.key, ca.crt), type kubernetes.io/tls. Rewritten when it is
 * due ({@link dev.accord.operator.security.OperatorTls}); the servers re-read the mounted files, so
 * a new certificate applies without a restart.
 */
@KubernetesDependent(
    informer =
        @Informer(labelSelector = AccordResources.OBJECT_LABEL + "=" + ServerTlsSecret.OBJECT))
public class ServerTlsSecret extends ClusterOwnedSecret {
  public static final String OBJECT = "server-tls";

  @Override
  protected Secret desired(AccordCluster cluster, Context<AccordCluster> context) {
    // desired() also names the Secret to delete when TLS is turned off: no certificate then.
    OperatorTls issued = ClusterSecurity.from(context).issued();
    return new SecretBuilder()
        .withNewMetadata()
        .withName(AccordResources.serverTls(cluster))
        .withNamespace(cluster.getMetadata().getNamespace())
        .withLabels(AccordResources.labels(cluster, AccordResources.COMPONENT_SERVER, OBJECT))
        .endMetadata()
        .withType("kubernetes.io/tls")
        .withData(issued == null ? Map.of() : issued.serverSecretData())
        .build();
  }
}
