package dev.accord.operator.e2e;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GRPCAction;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plays the Deployment controller, the kubelet and cluster DNS for the end-to-end test, for the
 * server Deployments the operator creates: each replica is run by a {@link PodRuntime} (a process
 * of the real {@code accord-server.jar}, or a container of the Deployment's image) with the
 * container's environment as the Deployment gives it (Secret references resolved, the pod's name
 * and namespace from the downward API) and its volumes' files written by {@link StandInVolumes} (a
 * pod whose Secret or ConfigMap does not exist yet waits). A pod that mounts its ServiceAccount
 * token reaches the Kubernetes API, the mock one here. Each pod gets its own loopback address
 * (127.0.1.N) and listens there on the ports its settings name, as pods have their own IPs. A pod
 * is ready when its readiness probe, asked as the kubelet asks it (gRPC health, plaintext), answers
 * SERVING; ready pods' addresses go into a hosts file under the headless Service's name, which the
 * worker JVMs resolve through ({@code -Djdk.net.hosts.file}); ready replicas go into the
 * Deployment's status. A pod whose process dies is replaced, as a ReplicaSet would.
 */
final class StandInKubelet implements AutoCloseable {
  /** One replica. */
  final class Pod {
    final String name;
    final String ip;
    final String configHash;
    final PodRuntime.Running container;
    volatile boolean ready;

    Pod(String name, String ip, String configHash, PodRuntime.Running container) {
      this.name = name;
      this.ip = ip;
      this.configHash = configHash;
      this.container = container;
    }
  }

  private final KubernetesClient client;
  private final StandInVolumes volumes;
  private final PodRuntime runtime;
  private final String apiServer;
  private final Path workDir;
  private final Path hostsFile;
  private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
  private final Map<String, List<Pod>> pods = new LinkedHashMap<>();
  private final AtomicInteger nextIp = new AtomicInteger(2);

  /**
   * @param runtime what runs the pods; the caller closes it
   * @param apiServer the Kubernetes API's URL, for pods that mount their ServiceAccount token
   */
  StandInKubelet(
      KubernetesClient client,
      StandInVolumes volumes,
      PodRuntime runtime,
      String apiServer,
      Path workDir)
      throws IOException {
    this.client = client;
    this.volumes = volumes;
    this.runtime = runtime;
    this.apiServer = apiServer;
    this.workDir = workDir;
    this.hostsFile = workDir.resolve("hosts");
    Files.writeString(hostsFile, "127.0.0.1 localhost\n");
  }

  Path hostsFile() {
    return hostsFile;
  }

  void start() {
    loop.scheduleWithFixedDelay(this::syncSafely, 0, 200, TimeUnit.MILLISECONDS);
  }

  /** The running pods of a Deployment. */
  synchronized List<Pod> pods(String namespace, String deployment) {
    return List.copyOf(pods.getOrDefault(namespace + "/" + deployment, List.of()));
  }

  private void syncSafely() {
    try {
      sync();
    } catch (RuntimeException | IOException e) {
      System.err.println("stand-in kubelet: " + e);
    }
  }

  private synchronized void sync() throws IOException {
    List<Deployment> deployments =
        client
            .apps()
            .deployments()
            .inAnyNamespace()
            .withLabel("app.kubernetes.io/managed-by", "accord-operator")
            .list()
            .getItems();
    StringBuilder hosts = new StringBuilder("127.0.0.1 localhost\n");
    for (Deployment deployment : deployments) {
      String key =
          deployment.getMetadata().getNamespace() + "/" + deployment.getMetadata().getName();
      List<Pod> running = pods.computeIfAbsent(key, k -> new ArrayList<>());
      String hash =
          deployment
              .getSpec()
              .getTemplate()
              .getMetadata()
              .getAnnotations()
              .getOrDefault("accord.dev/config-hash", "");
      // Dead processes and pods of an old configuration go; then top up to the desired replicas.
      running.removeIf(
          pod -> {
            boolean gone = !pod.container.isAlive() || !pod.configHash.equals(hash);
            if (gone) {
              pod.container.kill();
            }
            return gone;
          });
      int desired = deployment.getSpec().getReplicas();
      while (running.size() > desired) {
        running.remove(running.size() - 1).container.stop();
      }
      while (running.size() < desired) {
        Pod started = startPod(deployment, hash);
        if (started == null) {
          break; // waiting for a volume's Secret or ConfigMap
        }
        running.add(started);
      }
      for (Pod pod : running) {
        pod.ready = probe(pod, deployment);
      }
      long ready = running.stream().filter(p -> p.ready).count();
      String headless =
          deployment.getMetadata().getName().replaceAll("-server$", "-headless")
              + "."
              + deployment.getMetadata().getNamespace()
              + ".svc";
      running.stream()
          .filter(p -> p.ready)
          .forEach(p -> hosts.append(p.ip).append(' ').append(headless).append('\n'));
      writeStatus(deployment, running.size(), (int) ready);
    }
    Files.writeString(hostsFile, hosts.toString());
  }

  private Pod startPod(Deployment deployment, String hash) throws IOException {
    String name =
        deployment.getMetadata().getName() + "-" + Integer.toHexString(nextIp.get() * 7919);
    String ip = "127.0.1." + nextIp.get();
    Optional<PodRuntime.Running> container =
        run(
            deployment.getMetadata().getNamespace(),
            name,
            ip,
            deployment.getSpec().getTemplate().getSpec());
    if (container.isEmpty()) {
      return null;
    }
    nextIp.incrementAndGet();
    return new Pod(name, ip, hash, container.get());
  }

  /**
   * Starts the first container of a pod with address {@code ip}: its volumes written, its
   * environment resolved; empty while a Secret or ConfigMap a volume needs does not exist. Its
   * output goes to NAME.log in the work directory.
   */
  Optional<PodRuntime.Running> run(String namespace, String name, String ip, PodSpec spec)
      throws IOException {
    Container container = spec.getContainers().get(0);
    Optional<Map<String, Path>> mounts = volumes.mount(namespace, name, spec, container);
    if (mounts.isEmpty()) {
      return Optional.empty();
    }
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar variable : container.getEnv()) {
      String value = resolve(namespace, name, variable);
      // The pod's own address: what a pod network would give it.
      if (variable.getName().endsWith("LISTEN") && value.startsWith(":")) {
        value = ip + value;
      }
      env.put(variable.getName(), value);
    }
    if (!Boolean.FALSE.equals(spec.getAutomountServiceAccountToken())) {
      // What the in-cluster configuration gives a pod with its token mounted: the API server.
      env.put("KUBERNETES_MASTER", apiServer);
      env.put("KUBERNETES_TRUST_CERTIFICATES", "true");
      env.put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
      env.put("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
    }
    return Optional.of(
        runtime.start(
            new PodRuntime.Launch(
                name, ip, spec, container, env, mounts.get(), workDir.resolve(name + ".log"))));
  }

  private String resolve(String namespace, String podName, EnvVar variable) {
    if (variable.getValueFrom() == null) {
      return variable.getValue();
    }
    if (variable.getValueFrom().getFieldRef() != null) {
      String field = variable.getValueFrom().getFieldRef().getFieldPath();
      return switch (field) {
        case "metadata.name" -> podName;
        case "metadata.namespace" -> namespace;
        default ->
            throw new IllegalStateException("the stand-in kubelet cannot give a pod " + field);
      };
    }
    var ref = variable.getValueFrom().getSecretKeyRef();
    Secret secret = client.secrets().inNamespace(namespace).withName(ref.getName()).get();
    if (secret == null || secret.getData() == null || !secret.getData().containsKey(ref.getKey())) {
      return "";
    }
    return new String(
        Base64.getDecoder().decode(secret.getData().get(ref.getKey())), StandardCharsets.UTF_8);
  }

  /** The readiness probe as the kubelet makes it: gRPC health, plaintext (it cannot do TLS). */
  private static boolean probe(Pod pod, Deployment deployment) {
    GRPCAction grpc =
        deployment
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0)
            .getReadinessProbe()
            .getGrpc();
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress(pod.ip, grpc.getPort()).usePlaintext().build();
    try {
      return HealthGrpc.newBlockingStub(channel)
              .withDeadlineAfter(1, TimeUnit.SECONDS)
              .check(
                  HealthCheckRequest.newBuilder()
                      .setService(grpc.getService() == null ? "" : grpc.getService())
                      .build())
              .getStatus()
          == ServingStatus.SERVING;
    } catch (RuntimeException e) {
      return false;
    } finally {
      channel.shutdownNow();
    }
  }

  private void writeStatus(Deployment deployment, int replicas, int ready) {
    var status = deployment.getStatus();
    long generation =
        deployment.getMetadata().getGeneration() == null
            ? 0
            : deployment.getMetadata().getGeneration();
    if (status != null
        && Integer.valueOf(ready).equals(status.getReadyReplicas())
        && Integer.valueOf(replicas).equals(status.getReplicas())
        && status.getObservedGeneration() != null
        && status.getObservedGeneration() == generation) {
      return;
    }
    deployment.setStatus(
        new DeploymentStatusBuilder()
            .withReplicas(replicas)
            .withReadyReplicas(ready)
            .withUpdatedReplicas(replicas)
            .withAvailableReplicas(ready)
            .withObservedGeneration(generation)
            .build());
    try {
      client.resource(deployment).updateStatus();
    } catch (RuntimeException e) {
      // A conflict with the operator's write: the next round writes again from a fresh read.
    }
  }

  /** Stops the pods it runs (SIGTERM); the runtime waits for them and removes what is left. */
  @Override
  public synchronized void close() {
    loop.shutdownNow();
    for (List<Pod> list : pods.values()) {
      for (Pod pod : list) {
        pod.container.stop();
      }
    }
  }
}
