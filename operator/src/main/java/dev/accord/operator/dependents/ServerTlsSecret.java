package dev.accord.operator.dependents;

import dev.accord.crd.v1alpha1.AccordCluster;
import dev.accord.operator.AccordResources;
import dev.accord.operator.security.ClusterSecurity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * The servers' certificate (tls.crt, tls.key, ca.crt), type kubernetes.io/tls. Rewritten when it is
 * due ({@link dev.accord.operator.security.OperatorTls}); the servers re-read the mounted files, so
 * a new certificate applies without a restart.
 */
@KubernetesDependent(
    informer =
        @Informer(labelSelector = AccordResources.OBJECT_LABEL + "=" + ServerTlsSecret.OBJECT))
public class ServerTlsSecret extends CRUDKubernetesDependentResource<Secret, AccordCluster> {
  public static final String OBJECT = "server-tls";

  public ServerTlsSecret() {
    super(Secret.class);
  }

  @Override
  protected Secret desired(AccordCluster cluster, Context<AccordCluster> context) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(AccordResources.serverTls(cluster))
        .withNamespace(cluster.getMetadata().getNamespace())
        .withLabels(AccordResources.labels(cluster, AccordResources.COMPONENT_SERVER, OBJECT))
        .endMetadata()
        .withType("kubernetes.io/tls")
        .withData(ClusterSecurity.from(context).issued().serverSecretData())
        .build();
  }
}
