package dev.accord.operator.dependents;

import dev.accord.crd.v1alpha1.AccordCluster;
import dev.accord.crd.v1alpha1.PodTemplateOverrides;
import dev.accord.operator.AccordResources;
import dev.accord.operator.ClusterModel;
import dev.accord.operator.security.ClusterSecurity;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Accord servers. Readiness asks the standard gRPC health service (SERVING only while the
 * database answers); liveness asks {@code accord.liveness}, which does not follow the database.
 * Rolling updates never take a ready server away before its replacement is ready. The pod template
 * carries the configuration hash, so a change of the spec or of the referenced Secret rolls the
 * servers.
 */
@KubernetesDependent(
    informer =
        @Informer(labelSelector = AccordResources.OBJECT_LABEL + "=" + ServerDeployment.OBJECT))
public class ServerDeployment extends CRUDKubernetesDependentResource<Deployment, AccordCluster> {
  static final String OBJECT = "server";
  static final String CONTAINER = "server";
  static final String PORT_NAME = "grpc";
  static final String HEALTH_PORT_NAME = "health";
  public static final String METRICS_PORT_NAME = "http-metrics";

  /** The servers' HTTP listener: /metrics for Prometheus and the progress page. */
  static final int METRICS_PORT = 9090;

  static final long RUN_AS_USER = 10001;

  public ServerDeployment() {
    super(Deployment.class);
  }

  @Override
  protected Deployment desired(AccordCluster cluster, Context<AccordCluster> context) {
    ClusterModel model = ClusterModel.from(context);
    PodTemplateOverrides overrides = cluster.getSpec().getPodTemplate();
    Map<String, String> podLabels = new LinkedHashMap<>();
    Map<String, String> podAnnotations = new LinkedHashMap<>();
    if (overrides != null && overrides.getLabels() != null) {
      podLabels.putAll(overrides.getLabels());
    }
    if (overrides != null && overrides.getAnnotations() != null) {
      podAnnotations.putAll(overrides.getAnnotations());
    }
    // Ours last: an override cannot break the selector or the rollout trigger.
    podLabels.putAll(AccordResources.selector(cluster, AccordResources.COMPONENT_SERVER));
    podAnnotations.put(AccordResources.CONFIG_HASH_ANNOTATION, model.configHash());

    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(AccordResources.serverDeployment(cluster))
        .withNamespace(cluster.getMetadata().getNamespace())
        .withLabels(AccordResources.labels(cluster, AccordResources.COMPONENT_SERVER, OBJECT))
        .endMetadata()
        .withNewSpec()
        .withReplicas(model.replicas())
        .withNewSelector()
        .withMatchLabels(AccordResources.selector(cluster, AccordResources.COMPONENT_SERVER))
        .endSelector()
        .withNewStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withMaxUnavailable(new IntOrString(0))
        .withMaxSurge(new IntOrString(1))
        .endRollingUpdate()
        .endStrategy()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(podLabels)
        .withAnnotations(podAnnotations)
        .endMetadata()
        .withSpec(podSpec(cluster, model, ClusterSecurity.from(context), overrides))
        .endTemplate()
        .endSpec()
        .build();
  }

  private static PodSpec podSpec(
      AccordCluster cluster,
      ClusterModel model,
      ClusterSecurity security,
      PodTemplateOverrides overrides) {
    List<EnvVar> env = new ArrayList<>();
    env.add(new EnvVarBuilder().withName("ACCORD_LISTEN").withValue(":" + model.port()).build());
    env.addAll(model.backendEnv());
    ServerSecuritySettings settings = ServerSecuritySettings.of(cluster, security, model.port());
    env.addAll(settings.env());
    int metricsPort = metricsPort(model.port(), settings.probePort());
    env.add(
        new EnvVarBuilder().withName("ACCORD_HTTP_LISTEN").withValue(":" + metricsPort).build());
    Container server =
        new ContainerBuilder()
            .withName(CONTAINER)
            .withImage(model.image())
            .addNewPort()
            .withName(PORT_NAME)
            .withContainerPort(model.port())
            .withProtocol("TCP")
            .endPort()
            .addAllToPorts(
                settings.probePort() == model.port()
                    ? List.of()
                    : List.of(
                        new io.fabric8.kubernetes.api.model.ContainerPortBuilder()
                            .withName(HEALTH_PORT_NAME)
                            .withContainerPort(settings.probePort())
                            .withProtocol("TCP")
                            .build()))
            .addNewPort()
            .withName(METRICS_PORT_NAME)
            .withContainerPort(metricsPort)
            .withProtocol("TCP")
            .endPort()
            .withEnv(env)
            .withResources(cluster.getSpec().getResources())
            .withReadinessProbe(grpcProbe(settings.probePort(), "", 5, 3))
            .withLivenessProbe(grpcProbe(settings.probePort(), "accord.liveness", 10, 6))
            .withNewSecurityContext()
            .withAllowPrivilegeEscalation(false)
            .withReadOnlyRootFilesystem(true)
            .withRunAsNonRoot(true)
            .withNewCapabilities()
            .withDrop("ALL")
            .endCapabilities()
            .endSecurityContext()
            .addNewVolumeMount()
            .withName("tmp")
            .withMountPath("/tmp")
            .endVolumeMount()
            .addAllToVolumeMounts(settings.mounts())
            .build();
    PodSpecBuilder pod =
        new PodSpecBuilder()
            .withContainers(server)
            .addNewVolume()
            .withName("tmp")
            .withNewEmptyDir()
            .endEmptyDir()
            .endVolume()
            .addAllToVolumes(settings.volumes())
            .withServiceAccountName(AccordResources.serverAccount(cluster))
            .withAutomountServiceAccountToken(security.auth())
            .withTerminationGracePeriodSeconds(30L)
            .withNewSecurityContext()
            .withRunAsNonRoot(true)
            .withRunAsUser(RUN_AS_USER)
            .withRunAsGroup(RUN_AS_USER)
            .withNewSeccompProfile()
            .withType("RuntimeDefault")
            .endSeccompProfile()
            .endSecurityContext();
    if (overrides != null) {
      pod.withNodeSelector(overrides.getNodeSelector())
          .withTolerations(overrides.getTolerations())
          .withAffinity(overrides.getAffinity())
          .withPriorityClassName(overrides.getPriorityClassName())
          .withTopologySpreadConstraints(overrides.getTopologySpreadConstraints());
    }
    return pod.build();
  }

  /**
   * {@value #METRICS_PORT}, or the next port up when the cluster's gRPC or health port already
   * takes it: PodMonitors and Services find it by its name, not its number.
   */
  static int metricsPort(int grpcPort, int probePort) {
    int port = METRICS_PORT;
    while (port == grpcPort || port == probePort) {
      port++;
    }
    return port;
  }

  /** The metrics port of the cluster's servers, for the Services and the NetworkPolicy. */
  static int metricsPort(AccordCluster cluster, ClusterModel model, ClusterSecurity security) {
    return metricsPort(
        model.port(), ServerSecuritySettings.of(cluster, security, model.port()).probePort());
  }

  /** Kubernetes' native gRPC probe on the standard health service. */
  private static Probe grpcProbe(
      int port, String service, int periodSeconds, int failureThreshold) {
    return new ProbeBuilder()
        .withNewGrpc()
        .withPort(port)
        .withService(service)
        .endGrpc()
        .withPeriodSeconds(periodSeconds)
        .withFailureThreshold(failureThreshold)
        .withTimeoutSeconds(2)
        .build();
  }
}
