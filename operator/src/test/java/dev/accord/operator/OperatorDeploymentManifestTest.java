package dev.accord.operator;

import static dev.accord.operator.Manifests.NAMESPACE;
import static dev.accord.operator.Manifests.OPERATOR;
import static dev.accord.operator.Manifests.allResources;
import static dev.accord.operator.Manifests.single;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The operator's Deployment in {@code manifests/} is hardened. */
@EnableKubernetesMockClient(crud = true)
class OperatorDeploymentManifestTest {
  static final Map<String, String> OPERATOR_LABELS =
      Map.of(
          "app.kubernetes.io/name", OPERATOR,
          "app.kubernetes.io/part-of", "accord",
          "app.kubernetes.io/component", "operator",
          "app.kubernetes.io/managed-by", "kustomize");

  /** Injected by the mock server extension (a fresh CRUD server for each test). */
  KubernetesClient client;

  @Test
  void declaredOperatorDeploymentIsHardened() throws IOException {
    List<HasMetadata> all = allResources(client);
    assertHardenedOperatorDeployment(
        single(all, Deployment.class, OPERATOR, "the manifests"), "the manifests");
  }

  static void assertHardenedOperatorDeployment(Deployment deployment, String source) {
    String what = source + ": Deployment " + OPERATOR;
    assertThat(deployment.getMetadata().getNamespace())
        .as("%s namespace", what)
        .isEqualTo(NAMESPACE);
    assertThat(deployment.getMetadata().getLabels())
        .as("%s labels", what)
        .containsAllEntriesOf(OPERATOR_LABELS);
    assertThat(deployment.getSpec().getReplicas())
        .as("%s replicas (one leader, one standby)", what)
        .isEqualTo(2);
    Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
    assertThat(podLabels).as("%s pod template labels", what).containsAllEntriesOf(OPERATOR_LABELS);
    assertThat(podLabels)
        .as("%s pod template labels must match the selector", what)
        .containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());

    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    assertThat(pod.getServiceAccountName()).as("%s serviceAccountName", what).isEqualTo(OPERATOR);
    assertThat(pod.getHostNetwork()).as("%s hostNetwork", what).isNotEqualTo(Boolean.TRUE);
    assertThat(pod.getHostPID()).as("%s hostPID", what).isNotEqualTo(Boolean.TRUE);
    PodSecurityContext podSecurity = pod.getSecurityContext();
    assertThat(podSecurity).as("%s pod securityContext", what).isNotNull();
    assertThat(podSecurity.getRunAsNonRoot())
        .as("%s pod securityContext.runAsNonRoot", what)
        .isTrue();
    assertThat(podSecurity.getRunAsUser())
        .as("%s pod securityContext.runAsUser", what)
        .isEqualTo(10001L);
    assertThat(podSecurity.getSeccompProfile())
        .as("%s pod securityContext.seccompProfile", what)
        .isNotNull();
    assertThat(podSecurity.getSeccompProfile().getType())
        .as("%s pod seccompProfile.type", what)
        .isEqualTo("RuntimeDefault");

    assertThat(pod.getInitContainers()).as("%s initContainers", what).isNullOrEmpty();
    assertThat(pod.getContainers()).as("%s containers", what).hasSize(1);
    Container container = pod.getContainers().get(0);
    // The tags `./accord images` builds: the project's version.
    assertThat(container.getImage())
        .as("%s image", what)
        .isEqualTo("accord/accord-operator:" + System.getProperty("accord.image.version"));
    assertNoRegistryHost(container.getImage(), what + " image");

    SecurityContext security = container.getSecurityContext();
    assertThat(security).as("%s container securityContext", what).isNotNull();
    assertThat(security.getAllowPrivilegeEscalation())
        .as("%s allowPrivilegeEscalation", what)
        .isFalse();
    assertThat(security.getReadOnlyRootFilesystem()).as("%s readOnlyRootFilesystem", what).isTrue();
    assertThat(security.getPrivileged()).as("%s privileged", what).isNotEqualTo(Boolean.TRUE);
    assertThat(security.getRunAsUser())
        .as("%s container runAsUser (overriding the pod's)", what)
        .isIn(null, 10001L);
    assertThat(security.getCapabilities()).as("%s capabilities", what).isNotNull();
    assertThat(security.getCapabilities().getDrop())
        .as("%s capabilities.drop", what)
        .containsExactly("ALL");
    assertThat(security.getCapabilities().getAdd()).as("%s capabilities.add", what).isNullOrEmpty();

    Map<String, EnvVar> env =
        container.getEnv().stream()
            .collect(
                Collectors.toMap(
                    EnvVar::getName,
                    e -> e,
                    (a, b) -> {
                      throw new AssertionError(
                          what + ": environment variable " + a.getName() + " set twice");
                    },
                    LinkedHashMap::new));
    assertThat(env)
        .as("%s environment", what)
        .containsKeys("POD_NAMESPACE", "ACCORD_OPERATOR_NAMESPACES", "ACCORD_SERVER_IMAGE");
    EnvVar podNamespace = env.get("POD_NAMESPACE");
    assertThat(podNamespace.getValueFrom())
        .as("%s POD_NAMESPACE from the downward API", what)
        .isNotNull();
    assertThat(podNamespace.getValueFrom().getFieldRef())
        .as("%s POD_NAMESPACE fieldRef", what)
        .isNotNull();
    assertThat(podNamespace.getValueFrom().getFieldRef().getFieldPath())
        .as("%s POD_NAMESPACE fieldPath", what)
        .isEqualTo("metadata.namespace");
    assertThat(Objects.toString(env.get("ACCORD_OPERATOR_NAMESPACES").getValue(), ""))
        .as("%s ACCORD_OPERATOR_NAMESPACES (empty = every namespace)", what)
        .isEmpty();
    assertThat(env.get("ACCORD_SERVER_IMAGE").getValue())
        .as("%s ACCORD_SERVER_IMAGE", what)
        .isEqualTo("accord/accord-server:" + System.getProperty("accord.image.version"));
    assertNoRegistryHost(env.get("ACCORD_SERVER_IMAGE").getValue(), what + " ACCORD_SERVER_IMAGE");

    assertThat(container.getPorts())
        .as("%s ports", what)
        .anyMatch(
            p -> "http".equals(p.getName()) && Integer.valueOf(8080).equals(p.getContainerPort()));
    assertHttpProbe(container.getLivenessProbe(), "/healthz", what + " livenessProbe");
    assertHttpProbe(container.getReadinessProbe(), "/readyz", what + " readinessProbe");

    assertThat(container.getResources()).as("%s resources", what).isNotNull();
    assertThat(container.getResources().getRequests())
        .as("%s resources.requests", what)
        .containsEntry("cpu", new Quantity("100m"))
        .containsEntry("memory", new Quantity("256Mi"));
    assertThat(container.getResources().getLimits())
        .as("%s resources.limits", what)
        .containsEntry("memory", new Quantity("512Mi"));

    List<VolumeMount> tmpMounts =
        container.getVolumeMounts() == null
            ? List.of()
            : container.getVolumeMounts().stream()
                .filter(m -> "/tmp".equals(m.getMountPath()))
                .toList();
    assertThat(tmpMounts)
        .as("%s volume mounted at /tmp (the root filesystem is read-only)", what)
        .hasSize(1);
    String tmpVolume = tmpMounts.get(0).getName();
    Optional<Volume> volume =
        pod.getVolumes() == null
            ? Optional.empty()
            : pod.getVolumes().stream().filter(v -> tmpVolume.equals(v.getName())).findFirst();
    assertThat(volume).as("%s volume %s", what, tmpVolume).isPresent();
    assertThat(volume.get().getEmptyDir())
        .as("%s volume %s should be an emptyDir", what, tmpVolume)
        .isNotNull();
    assertThat(pod.getVolumes())
        .as("%s volumes: no hostPath", what)
        .allMatch(v -> v.getHostPath() == null);
  }

  static void assertHttpProbe(Probe probe, String path, String what) {
    assertThat(probe).as(what).isNotNull();
    assertThat(probe.getHttpGet()).as("%s httpGet", what).isNotNull();
    assertThat(probe.getHttpGet().getPath()).as("%s path", what).isEqualTo(path);
    Object port =
        probe.getHttpGet().getPort().getStrVal() != null
            ? probe.getHttpGet().getPort().getStrVal()
            : probe.getHttpGet().getPort().getIntVal();
    assertThat(port).as("%s port (the port named http, 8080)", what).isIn("http", 8080);
  }

  /**
   * Images are written without a registry host: the first path segment must not look like a host.
   */
  static void assertNoRegistryHost(String image, String what) {
    assertThat(image).as(what).isNotBlank();
    int slash = image.indexOf('/');
    if (slash > 0) {
      String first = image.substring(0, slash);
      assertThat(first.contains(".") || first.contains(":") || first.equals("localhost"))
          .as(
              "%s %s starts with a registry host (%s): write image names without one",
              what, image, first)
          .isFalse();
    }
  }
}
