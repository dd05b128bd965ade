package dev.accord.operator.e2e;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs each pod's container as a container of its image ({@code docker run} in the foreground, as
 * the pod's process), with the pod spec mapped onto it as a kubelet would: the user and group of
 * the security contexts, a read-only root filesystem, dropped and added capabilities,
 * no-new-privileges when privilege escalation is off, the memory limit of {@code resources.limits},
 * each emptyDir as a tmpfs (executable, as an emptyDir is, within its size limit), every other
 * volume's files bind-mounted read-only at its mount path. Pods share this machine's network and
 * each listens on its own loopback address. Containers are named with a prefix of their own per
 * test run and all removed on {@link #close()}.
 */
final class ContainerPodRuntime implements PodRuntime {
  private final String prefix;

  /**
   * @param prefix the start of every container's name, unique to this test run
   */
  ContainerPodRuntime(String prefix) {
    this.prefix = prefix;
  }

  @Override
  public Running start(Launch launch) throws IOException {
    String name = prefix + launch.name();
    List<String> command = new ArrayList<>(List.of("docker", "run", "--rm", "--name", name));
    command.addAll(List.of("--network", "host"));
    command.addAll(securityOptions(launch.pod(), launch.container()));
    command.addAll(memoryLimit(launch.container()));
    command.addAll(volumes(launch));
    launch.env().forEach((key, value) -> command.addAll(List.of("--env", key + "=" + value)));
    command.add(launch.container().getImage());
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(launch.log().toFile())
            .start();
    return new Running() {
      @Override
      public boolean isAlive() {
        // docker run in the foreground exits when the container does.
        return process.isAlive();
      }

      @Override
      public void stop() {
        Docker.signal(name, "TERM");
      }

      @Override
      public void kill() {
        Docker.signal(name, "KILL");
      }
    };
  }

  /**
   * How the engine runs a pod's container: user, read-only root, dropped capabilities, security
   * options, memory limit in bytes, tmpfs mounts, network mode.
   */
  String inspect(String podName) {
    Docker.Result inspected =
        Docker.run(
            "inspect",
            "--format",
            "{{.Config.User}} {{.HostConfig.ReadonlyRootfs}} {{.HostConfig.CapDrop}}"
                + " {{.HostConfig.SecurityOpt}} {{.HostConfig.Memory}} {{.HostConfig.Tmpfs}}"
                + " {{.HostConfig.NetworkMode}}",
            prefix + podName);
    return inspected.output().strip();
  }

  @Override
  public String description() {
    return "containers of their images (docker run, names starting " + prefix + ")";
  }

  @Override
  public void close() {
    Docker.removeAll(prefix);
  }

  private static List<String> securityOptions(PodSpec pod, Container container) {
    PodSecurityContext podContext =
        pod.getSecurityContext() == null ? new PodSecurityContext() : pod.getSecurityContext();
    SecurityContext context =
        container.getSecurityContext() == null
            ? new SecurityContext()
            : container.getSecurityContext();
    List<String> options = new ArrayList<>();
    Long user = context.getRunAsUser() != null ? context.getRunAsUser() : podContext.getRunAsUser();
    Long group =
        context.getRunAsGroup() != null ? context.getRunAsGroup() : podContext.getRunAsGroup();
    if (user != null) {
      options.addAll(List.of("--user", group == null ? user.toString() : user + ":" + group));
    }
    if (Boolean.TRUE.equals(context.getReadOnlyRootFilesystem())) {
      options.add("--read-only");
    }
    Capabilities capabilities = context.getCapabilities();
    if (capabilities != null) {
      if (capabilities.getDrop() != null) {
        capabilities.getDrop().forEach(drop -> options.addAll(List.of("--cap-drop", drop)));
      }
      if (capabilities.getAdd() != null) {
        capabilities.getAdd().forEach(add -> options.addAll(List.of("--cap-add", add)));
      }
    }
    if (Boolean.FALSE.equals(context.getAllowPrivilegeEscalation())) {
      options.addAll(List.of("--security-opt", "no-new-privileges"));
    }
    return options;
  }

  private static List<String> memoryLimit(Container container) {
    if (container.getResources() == null || container.getResources().getLimits() == null) {
      return List.of();
    }
    Quantity memory = container.getResources().getLimits().get("memory");
    return memory == null
        ? List.of()
        : List.of("--memory", Quantity.getAmountInBytes(memory).toBigInteger().toString());
  }

  private static List<String> volumes(Launch launch) {
    List<String> options = new ArrayList<>();
    List<VolumeMount> mounts =
        launch.container().getVolumeMounts() == null
            ? List.of()
            : launch.container().getVolumeMounts();
    for (VolumeMount mount : mounts) {
      Volume volume =
          launch.pod().getVolumes().stream()
              .filter(v -> v.getName().equals(mount.getName()))
              .findFirst()
              .orElseThrow(() -> new IllegalStateException("no volume " + mount.getName()));
      if (volume.getEmptyDir() != null) {
        Quantity size = volume.getEmptyDir().getSizeLimit();
        String sizeOption =
            size == null
                ? ""
                : ",size=" + Quantity.getAmountInBytes(size).toBigInteger().toString();
        options.addAll(List.of("--tmpfs", mount.getMountPath() + ":rw,exec" + sizeOption));
      } else {
        Path files = launch.mounts().get(mount.getMountPath());
        options.addAll(List.of("--volume", files + ":" + mount.getMountPath() + ":ro"));
      }
    }
    return options;
  }
}
