package dev.accord.operator.dependents;

import dev.accord.crd.v1alpha1.AccordCluster;
import dev.accord.operator.AccordResources;
import dev.accord.operator.ClusterModel;
import dev.accord.operator.security.ClusterSecurity;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * A ClusterIP Service on the gRPC port: one stable address for tools and clients that do not
 * balance themselves (and for a port-forward to the progress page on the metrics port).
 */
@KubernetesDependent(
    informer = @Informer(labelSelector = AccordResources.OBJECT_LABEL + "=" + ClientService.OBJECT))
public class ClientService extends CRUDKubernetesDependentResource<Service, AccordCluster> {
  static final String OBJECT = "server-service";

  public ClientService() {
    super(Service.class);
  }

  @Override
  protected Service desired(AccordCluster cluster, Context<AccordCluster> context) {
    return serverService(cluster, context, AccordResources.clientService(cluster), OBJECT, false);
  }

  /**
   * The Service in front of the server pods, on the gRPC and the metrics port; headless ones
   * resolve to every ready pod.
   */
  static Service serverService(
      AccordCluster cluster,
      Context<AccordCluster> context,
      String name,
      String object,
      boolean headless) {
    ClusterModel model = ClusterModel.from(context);
    int metricsPort = ServerDeployment.metricsPort(cluster, model, ClusterSecurity.from(context));
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(cluster.getMetadata().getNamespace())
        .withLabels(AccordResources.labels(cluster, AccordResources.COMPONENT_SERVER, object))
        .endMetadata()
        .withNewSpec()
        .withType("ClusterIP")
        .withClusterIP(headless ? "None" : null)
        .withSelector(AccordResources.selector(cluster, AccordResources.COMPONENT_SERVER))
        .addNewPort()
        .withName(ServerDeployment.PORT_NAME)
        .withPort(model.port())
        .withTargetPort(new IntOrString(ServerDeployment.PORT_NAME))
        .withProtocol("TCP")
        .withAppProtocol("grpc")
        .endPort()
        .addNewPort()
        .withName(ServerDeployment.METRICS_PORT_NAME)
        .withPort(metricsPort)
        .withTargetPort(new IntOrString(ServerDeployment.METRICS_PORT_NAME))
        .withProtocol("TCP")
        .withAppProtocol("http")
        .endPort()
        .endSpec()
        .build();
  }
}
