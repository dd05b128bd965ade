package dev.accord.operator.e2e;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Plays the kubelet's volume manager for the end-to-end test: writes a container's Secret,
 * ConfigMap, emptyDir and projected (ServiceAccount token, ConfigMap) volumes into a directory per
 * pod and volume, read from the mock API server as they are when the pod starts, and says where
 * each mount path landed, so that a variable naming a file under a mount path can be pointed there.
 */
final class StandInVolumes {
  private final KubernetesClient client;
  private final StandInTokens tokens;
  private final Path root;

  StandInVolumes(KubernetesClient client, StandInTokens tokens, Path root) {
    this.client = client;
    this.tokens = tokens;
    this.root = root;
  }

  /**
   * The container's mounts (mount path to local directory), or empty when a Secret or ConfigMap
   * they need does not exist yet: the kubelet then keeps the pod waiting.
   */
  Optional<Map<String, Path>> mount(
      String namespace, String podName, PodSpec pod, Container container) throws IOException {
    Map<String, Path> mounts = new LinkedHashMap<>();
    List<VolumeMount> wanted =
        container.getVolumeMounts() == null ? List.of() : container.getVolumeMounts();
    for (VolumeMount mount : wanted) {
      Volume volume =
          pod.getVolumes().stream()
              .filter(v -> v.getName().equals(mount.getName()))
              .findFirst()
              .orElseThrow(() -> new IllegalStateException("no volume " + mount.getName()));
      Path dir = root.resolve(podName).resolve(volume.getName());
      Files.createDirectories(dir);
      if (!fill(namespace, pod, volume, dir)) {
        return Optional.empty();
      }
      mounts.put(mount.getMountPath(), dir);
    }
    return Optional.of(mounts);
  }

  /** {@code value} with a mount path it starts with replaced by where that mount landed. */
  static String rewrite(String value, Map<String, Path> mounts) {
    if (value == null) {
      return null;
    }
    for (Map.Entry<String, Path> mount : mounts.entrySet()) {
      if (value.startsWith(mount.getKey() + "/")) {
        return mount.getValue().resolve(value.substring(mount.getKey().length() + 1)).toString();
      }
    }
    return value;
  }

  private boolean fill(String namespace, PodSpec pod, Volume volume, Path dir) throws IOException {
    if (volume.getEmptyDir() != null) {
      return true;
    }
    if (volume.getSecret() != null) {
      return writeSecret(namespace, volume.getSecret().getSecretName(), null, dir);
    }
    if (volume.getConfigMap() != null) {
      return writeConfigMap(namespace, volume.getConfigMap().getName(), null, dir);
    }
    if (volume.getProjected() != null) {
      for (VolumeProjection source : volume.getProjected().getSources()) {
        if (source.getServiceAccountToken() != null) {
          ServiceAccountTokenProjection projection = source.getServiceAccountToken();
          String account =
              pod.getServiceAccountName() == null ? "default" : pod.getServiceAccountName();
          Files.writeString(
              dir.resolve(projection.getPath()),
              tokens.issue(
                  namespace,
                  account,
                  projection.getAudience(),
                  projection.getExpirationSeconds() == null
                      ? 3600
                      : projection.getExpirationSeconds()));
        } else if (source.getConfigMap() != null) {
          if (!writeConfigMap(
              namespace, source.getConfigMap().getName(), source.getConfigMap().getItems(), dir)) {
            return false;
          }
        } else if (source.getSecret() != null) {
          if (!writeSecret(
              namespace, source.getSecret().getName(), source.getSecret().getItems(), dir)) {
            return false;
          }
        } else {
          throw new IllegalStateException("the stand-in kubelet cannot project " + source);
        }
      }
      return true;
    }
    throw new IllegalStateException("the stand-in kubelet cannot mount volume " + volume);
  }

  private boolean writeSecret(String namespace, String name, List<KeyToPath> items, Path dir)
      throws IOException {
    Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
    if (secret == null || secret.getData() == null) {
      return false;
    }
    Map<String, String> decoded = new LinkedHashMap<>();
    secret
        .getData()
        .forEach(
            (key, value) ->
                decoded.put(
                    key,
                    new String(Base64.getMimeDecoder().decode(value), StandardCharsets.UTF_8)));
    return write(decoded, items, dir);
  }

  private boolean writeConfigMap(String namespace, String name, List<KeyToPath> items, Path dir)
      throws IOException {
    ConfigMap map = client.configMaps().inNamespace(namespace).withName(name).get();
    return map != null && map.getData() != null && write(map.getData(), items, dir);
  }

  private static boolean write(Map<String, String> data, List<KeyToPath> items, Path dir)
      throws IOException {
    if (items == null || items.isEmpty()) {
      for (Map.Entry<String, String> entry : data.entrySet()) {
        Files.writeString(dir.resolve(entry.getKey()), entry.getValue());
      }
      return true;
    }
    for (KeyToPath item : items) {
      if (!data.containsKey(item.getKey())) {
        return false;
      }
      Files.writeString(dir.resolve(item.getPath()), data.get(item.getKey()));
    }
    return true;
  }
}
