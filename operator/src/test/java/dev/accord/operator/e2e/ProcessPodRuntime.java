package dev.accord.operator.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Runs each pod as a local JVM process of the real {@code accord-server.jar}, the image swapped for
 * the jar: the container's environment with every path under a mount path pointed at where {@link
 * StandInVolumes} wrote that volume. The pod spec's user, filesystem, capability and memory
 * settings are not applied: that takes {@link ContainerPodRuntime}.
 */
final class ProcessPodRuntime implements PodRuntime {
  private final Path serverJar;
  private final List<Process> started = new CopyOnWriteArrayList<>();

  ProcessPodRuntime(Path serverJar) {
    this.serverJar = serverJar;
  }

  static String javaBinary() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  @Override
  public Running start(Launch launch) throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(javaBinary(), "-Xmx256m", "-jar", serverJar.toString())
            .redirectErrorStream(true)
            .redirectOutput(launch.log().toFile());
    Map<String, String> env = builder.environment();
    // Only what the pod spec gives: nothing of the test JVM's own settings.
    env.keySet()
        .removeIf(
            k -> k.startsWith("ACCORD_") || k.startsWith("PG") || k.startsWith("KUBERNETES_"));
    env.remove("KUBECONFIG");
    launch
        .env()
        .forEach((name, value) -> env.put(name, StandInVolumes.rewrite(value, launch.mounts())));
    Process process = builder.start();
    started.add(process);
    return new Running() {
      @Override
      public boolean isAlive() {
        return process.isAlive();
      }

      @Override
      public void stop() {
        process.destroy();
      }

      @Override
      public void kill() {
        process.destroyForcibly();
      }
    };
  }

  @Override
  public String description() {
    return "JVM processes of " + serverJar.getFileName();
  }

  @Override
  public void close() {
    started.forEach(Process::destroy);
    for (Process process : started) {
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
