package dev.accord.operator.dependents;

import dev.accord.crd.v1alpha1.AccordCluster;
import dev.accord.operator.AccordResources;
import dev.accord.operator.ClusterModel;
import dev.accord.operator.security.ClusterSecurity;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * Lets only pods of namespaces labelled {@value #INJECTION_LABEL}={@value #INJECTION_ENABLED} (the
 * ones whose pods the webhook configures) and the operator's pods reach the servers' gRPC port, and
 * only pods of namespaces labelled {@value #METRICS_LABEL}={@value #METRICS_ENABLED} (where
 * Prometheus runs) reach the metrics port; nothing else reaches the server pods.
 *
 * <p>The metrics port also serves the progress page, which shows Accord namespace names and their
 * counts (behind a token when the cluster authenticates callers): labelling a namespace lets every
 * pod in it read that, so label only the monitoring namespace. Kubelet probes are not subject to
 * NetworkPolicy in the common CNIs (they come from the node), so readiness and liveness keep
 * working.
 */
@KubernetesDependent(
    informer =
        @Informer(labelSelector = AccordResources.OBJECT_LABEL + "=" + ServerNetworkPolicy.OBJECT))
public class ServerNetworkPolicy
    extends CRUDKubernetesDependentResource<NetworkPolicy, AccordCluster> {
  public static final String OBJECT = "network-policy";
  public static final String INJECTION_LABEL = "accord.dev/injection";
  public static final String INJECTION_ENABLED = "enabled";
  public static final String OPERATOR_POD_LABEL = "app.kubernetes.io/name";
  public static final String OPERATOR_POD_VALUE = "accord-operator";
  public static final String METRICS_LABEL = "accord.dev/metrics";
  public static final String METRICS_ENABLED = "enabled";

  public ServerNetworkPolicy() {
    super(NetworkPolicy.class);
  }

  @Override
  protected NetworkPolicy desired(AccordCluster cluster, Context<AccordCluster> context) {
    ClusterModel model = ClusterModel.from(context);
    int metricsPort = ServerDeployment.metricsPort(cluster, model, ClusterSecurity.from(context));
    return new NetworkPolicyBuilder()
        .withNewMetadata()
        .withName(AccordResources.serverAccount(cluster))
        .withNamespace(cluster.getMetadata().getNamespace())
        .withLabels(AccordResources.labels(cluster, AccordResources.COMPONENT_SERVER, OBJECT))
        .endMetadata()
        .withNewSpec()
        .withNewPodSelector()
        .withMatchLabels(AccordResources.selector(cluster, AccordResources.COMPONENT_SERVER))
        .endPodSelector()
        .withPolicyTypes("Ingress")
        .addNewIngress()
        .addNewFrom()
        .withNewNamespaceSelector()
        .addToMatchLabels(INJECTION_LABEL, INJECTION_ENABLED)
        .endNamespaceSelector()
        .endFrom()
        .addNewFrom()
        .withNewNamespaceSelector()
        .endNamespaceSelector()
        .withNewPodSelector()
        .addToMatchLabels(OPERATOR_POD_LABEL, OPERATOR_POD_VALUE)
        .endPodSelector()
        .endFrom()
        .addNewPort()
        .withProtocol("TCP")
        .withPort(new IntOrString(model.port()))
        .endPort()
        .endIngress()
        .addNewIngress()
        .addNewFrom()
        .withNewNamespaceSelector()
        .addToMatchLabels(METRICS_LABEL, METRICS_ENABLED)
        .endNamespaceSelector()
        .endFrom()
        .addNewPort()
        .withProtocol("TCP")
        .withPort(new IntOrString(metricsPort))
        .endPort()
        .endIngress()
        .endSpec()
        .build();
  }
}
