package dev.accord.operator.webhook;

import dev.accord.crd.v1alpha1.AccordCluster;
import dev.accord.operator.security.ClusterSecurity;
import dev.accord.operator.security.OperatorTls;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.VolumeProjectionBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What an injected pod needs to call a cluster with TLS and authentication on: one projected volume
 * {@value #VOLUME} at {@value #DIRECTORY} holding the pod's ServiceAccount token for the audience
 * {@value #AUDIENCE} (the kubelet refreshes it before it expires) and the cluster's CA certificate,
 * and the variables naming the two files.
 *
 * @param env the variables to add to each container that does not set them
 * @param sources what the projected volume holds; empty when the cluster has TLS and auth off
 */
record PodCredentials(List<EnvVar> env, List<VolumeProjection> sources) {
  public static final String VOLUME = "accord-credentials";
  public static final String DIRECTORY = "/var/run/secrets/accord.dev";
  public static final String AUDIENCE = "accord.dev";
  public static final long TOKEN_SECONDS = 3600;
  public static final String TOKEN_FILE = "ACCORD_TOKEN_FILE";
  public static final String CA_FILE = "ACCORD_TLS_CA_FILE";
  static final String TOKEN_PATH = "token";

  static final PodCredentials NONE = new PodCredentials(List.of(), List.of());

  /** Where the CA certificate of a cluster can be mounted from in a pod's namespace. */
  @FunctionalInterface
  public interface CaBundles {
    /**
     * The name of a ConfigMap in {@code podNamespace} holding the cluster's CA as {@code ca.crt}.
     *
     * @throws RuntimeException when there is none and none can be made (the pod then passes without
     *     Accord settings, with a warning)
     */
    String configMapFor(AccordCluster cluster, String podNamespace);
  }

  static PodCredentials of(AccordCluster cluster, String podNamespace, CaBundles caBundles) {
    boolean tls = ClusterSecurity.tlsMode(cluster) != ClusterSecurity.TlsMode.OFF;
    boolean auth = ClusterSecurity.authOn(cluster);
    List<EnvVar> env = new ArrayList<>();
    List<VolumeProjection> sources = new ArrayList<>();
    if (auth) {
      sources.add(
          new VolumeProjectionBuilder()
              .withNewServiceAccountToken()
              .withAudience(AUDIENCE)
              .withExpirationSeconds(TOKEN_SECONDS)
              .withPath(TOKEN_PATH)
              .endServiceAccountToken()
              .build());
      env.add(plain(TOKEN_FILE, DIRECTORY + "/" + TOKEN_PATH));
    }
    if (tls) {
      sources.add(
          new VolumeProjectionBuilder()
              .withNewConfigMap()
              .withName(caBundles.configMapFor(cluster, podNamespace))
              .addNewItem()
              .withKey(OperatorTls.CA_CERT_KEY)
              .withPath(OperatorTls.CA_CERT_KEY)
              .endItem()
              .endConfigMap()
              .build());
      env.add(plain(CA_FILE, DIRECTORY + "/" + OperatorTls.CA_CERT_KEY));
    }
    return new PodCredentials(env, sources);
  }

  /**
   * JSON patch operations adding the volume (unless the pod has one of that name) and its mount to
   * every container and init container that mounts neither that volume nor anything at {@value
   * #DIRECTORY} (the API server refuses a pod with two mounts at one path).
   */
  void patch(List<Map<String, Object>> patch, PodSpec pod) {
    if (sources.isEmpty()) {
      return;
    }
    Map<String, Object> volume = new LinkedHashMap<>();
    volume.put("name", VOLUME);
    volume.put("projected", Map.of("sources", sources));
    if (pod.getVolumes() == null || pod.getVolumes().isEmpty()) {
      patch.add(PodInjector.operation("/spec/volumes", List.of(volume)));
    } else if (pod.getVolumes().stream().noneMatch(v -> VOLUME.equals(v.getName()))) {
      patch.add(PodInjector.operation("/spec/volumes/-", volume));
    }
    mount(patch, "/spec/containers", pod.getContainers());
    mount(patch, "/spec/initContainers", pod.getInitContainers());
  }

  private static void mount(
      List<Map<String, Object>> patch, String path, List<Container> containers) {
    if (containers == null) {
      return;
    }
    Map<String, Object> mount = new LinkedHashMap<>();
    mount.put("name", VOLUME);
    mount.put("mountPath", DIRECTORY);
    mount.put("readOnly", true);
    for (int i = 0; i < containers.size(); i++) {
      var mounts = containers.get(i).getVolumeMounts();
      if (mounts == null || mounts.isEmpty()) {
        patch.add(PodInjector.operation(path + "/" + i + "/volumeMounts", List.of(mount)));
      } else if (mounts.stream()
          .noneMatch(
              m -> Objects.equals(VOLUME, m.getName()) || DIRECTORY.equals(m.getMountPath()))) {
        patch.add(PodInjector.operation(path + "/" + i + "/volumeMounts/-", mount));
      }
    }
  }

  private static EnvVar plain(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }
}
