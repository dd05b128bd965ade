package dev.accord.operator.e2e;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * How the end-to-end test's stand-in kubelet runs a pod's container: as a JVM process of the jar
 * ({@link ProcessPodRuntime}) or as a container of the pod's image ({@link ContainerPodRuntime}).
 */
interface PodRuntime extends AutoCloseable {
  /**
   * A pod's container to start.
   *
   * @param name the pod's name
   * @param ip the pod's own address (a loopback address of this machine)
   * @param pod the pod's spec
   * @param container the container of {@code pod} to run
   * @param env its environment as the kubelet resolved it: paths are the ones the container sees
   * @param mounts mount path to the directory on this machine holding that volume's files
   * @param log where the container's output goes
   */
  record Launch(
      String name,
      String ip,
      PodSpec pod,
      Container container,
      Map<String, String> env,
      Map<String, Path> mounts,
      Path log) {}

  /** A started container. */
  interface Running {
    boolean isAlive();

    /** SIGTERM, as deleting the pod sends; returns at once. */
    void stop();

    /** SIGKILL: the process dies at once, as in a node or OOM kill. */
    void kill();
  }

  Running start(Launch launch) throws IOException;

  /** What the pods run as, in a few words, for the test's output. */
  String description();

  /** Ends everything it started, even after a failed test. */
  @Override
  void close();
}
