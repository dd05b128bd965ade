package dev.accord.operator.dependents;

import dev.accord.crd.v1alpha1.AccordCluster;
import dev.accord.operator.AccordResources;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The managed database's address, {@code NAME-postgres:5432}. */
@KubernetesDependent(
    informer =
        @Informer(labelSelector = AccordResources.OBJECT_LABEL + "=" + PostgresService.OBJECT))
public class PostgresService extends CRUDKubernetesDependentResource<Service, AccordCluster> {
  static final String OBJECT = "postgres-service";

  public PostgresService() {
    super(Service.class);
  }

  @Override
  protected Service desired(AccordCluster cluster, Context<AccordCluster> context) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(AccordResources.postgres(cluster))
        .withNamespace(cluster.getMetadata().getNamespace())
        .withLabels(AccordResources.labels(cluster, AccordResources.COMPONENT_POSTGRES, OBJECT))
        .endMetadata()
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(AccordResources.selector(cluster, AccordResources.COMPONENT_POSTGRES))
        .addNewPort()
        .withName("postgres")
        .withPort(AccordResources.POSTGRES_PORT)
        .withTargetPort(new IntOrString("postgres"))
        .withProtocol("TCP")
        .endPort()
        .endSpec()
        .build();
  }
}
