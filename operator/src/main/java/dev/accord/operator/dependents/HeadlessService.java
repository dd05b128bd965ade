package dev.accord.operator.dependents;

import dev.accord.crd.v1alpha1.AccordCluster;
import dev.accord.operator.AccordResources;
import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * A headless Service over the servers: its DNS name resolves to every ready server pod, which is
 * what the status endpoint ({@code dns:///NAME-headless.NAMESPACE.svc:PORT}) points clients at so
 * each balances over all replicas.
 */
@KubernetesDependent(
    informer =
        @Informer(labelSelector = AccordResources.OBJECT_LABEL + "=" + HeadlessService.OBJECT))
public class HeadlessService extends CRUDKubernetesDependentResource<Service, AccordCluster> {
  static final String OBJECT = "server-headless";

  public HeadlessService() {
    super(Service.class);
  }

  @Override
  protected Service desired(AccordCluster cluster, Context<AccordCluster> context) {
    return ClientService.serverService(
        cluster, context, AccordResources.headlessService(cluster), OBJECT, true);
  }
}
