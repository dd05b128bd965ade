package dev.accord.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.accord.crd.v1alpha1.AccordCluster;
import dev.accord.operator.AccordOperator;
import dev.accord.operator.OperatorSettings;
import dev.accord.operator.webhook.WebhookServer;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The whole user flow on one machine, with no cluster: Fabric8's mock API server, the real operator
 * and webhook, a stand-in kubelet that runs the server Deployment's replicas, and worker processes
 * configured only by what the webhook injected. Apply the sample → Ready → inject → 3 workers
 * process 1,000 resources exactly once while the cluster scales to 2 and a server is killed →
 * delete.
 *
 * <p>When a container engine answers and the images are in it ({@code ./accord images}; {@code mvn
 * verify} builds them when ACCORD_IMAGE_BASE is set), the operator runs as a container of its image
 * from its shipped Deployment ({@link OperatorPod}) and the servers as containers of theirs, the
 * pod spec mapped onto them ({@link ContainerPodRuntime}). Otherwise the operator runs in the test
 * JVM and the servers as processes of accord-server.jar ({@link ProcessPodRuntime}); the test's
 * output says which.
 *
 * <p>The sample runs as shipped: TLS from the cluster's CA and Kubernetes identity on. The servers
 * get the certificate and access rules the operator wrote, the workers the token and CA the webhook
 * injected ({@link StandInVolumes}); TokenReviews are answered by {@link StandInTokens}.
 */
@EnableKubernetesMockClient(crud = true)
class EndToEndIT {
  private static final String NS = "jobs";
  private static final String ACCORD_NAMESPACE = "jobs/reports";
  private static final int RESOURCES = 1_000;

  /** Each worker holds after this many resources until a server is killed, which then hits work. */
  private static final int HOLD_AFTER = 100;

  private static final Duration WAIT = Duration.ofMinutes(2);

  /**
   * Kept after the run (under target/): the server, worker and PostgreSQL logs are what explains a
   * failure.
   */
  private Path workDir;

  private KubernetesClient client;
  private KubernetesMockServer server;
  private StandInTokens tokens;
  private StandInVolumes volumes;
  private EmbeddedPostgres postgres;
  private PodRuntime runtime;
  private AccordOperator operator;
  private WebhookServer webhook;
  private StandInKubelet kubelet;
  private final List<Process> workers = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    workers.forEach(Process::destroyForcibly);
    if (kubelet != null) {
      kubelet.close();
    }
    if (runtime != null) {
      runtime.close();
    }
    if (webhook != null) {
      webhook.close();
    }
    if (operator != null) {
      operator.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void applyInjectCoordinateScaleSurviveAKilledServerAndDelete() throws Exception {
    workDir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "e2e-");
    postgres = EmbeddedPostgres.builder().setDataDirectory(workDir.resolve("pg")).start();
    tokens = new StandInTokens(Clock.systemUTC());
    tokens.answerTokenReviews(server);
    volumes = new StandInVolumes(client, tokens, workDir.resolve("volumes"));
    Path manifests = Path.of(System.getProperty("accord.manifests"));
    OperatorPod operatorPod = OperatorPod.fromManifests(manifests);
    String withoutContainers =
        Docker.whyNotRunnable(operatorPod.image(), operatorPod.serverImage());
    runtime =
        withoutContainers == null
            ? new ContainerPodRuntime(
                "accord-e2e-" + UUID.randomUUID().toString().substring(0, 8) + "-")
            : new ProcessPodRuntime(Path.of(System.getProperty("accord.server.jar")));
    kubelet =
        new StandInKubelet(client, volumes, runtime, client.getMasterUrl().toString(), workDir);
    kubelet.start();
    int webhookPort;
    if (withoutContainers == null) {
      System.out.println(
          "e2e: the operator runs as a container of "
              + operatorPod.image()
              + " and the servers as "
              + runtime.description());
      StandInRbac.answerRulesReviews(server, manifests);
      webhookPort = operatorPod.start(kubelet);
    } else {
      System.out.println(
          "e2e: "
              + withoutContainers
              + ": the operator runs in the test JVM and the servers as "
              + runtime.description());
      operator =
          new AccordOperator(
              client,
              new OperatorSettings(Set.of(), "accord/accord-server:e2e", null, "e2e", 0),
              Clock.systemUTC(),
              false);
      operator.start();
      webhook = Webhooks.start(client);
      webhookPort = webhook.port();
    }

    // 1. Apply the external sample as a user would, its Secret pointing at our PostgreSQL.
    applySample(postgres.getPort());
    AccordCluster ready = awaitReady(1);
    String endpoint = ready.getStatus().getEndpoint();
    assertThat(endpoint).isEqualTo("dns:///accord-headless.jobs.svc:7475");
    assertThat(readyCondition(ready, "TLSReady").map(Condition::getStatus)).hasValue("True");
    if (runtime instanceof ContainerPodRuntime containers) {
      assertThat(containers.inspect(kubelet.pods(NS, "accord-server").get(0).name))
          .as("user, read-only root, capabilities, privileges, memory, /tmp, network")
          .isEqualTo("10001:10001 true [ALL] [no-new-privileges] 536870912 map[/tmp:rw,exec] host");
    }

    // 2. A worker pod annotated for injection goes through the webhook. Its Accord namespace is
    // under its Kubernetes namespace's, which the default access rule lets its ServiceAccount use.
    Pod worker =
        new PodBuilder()
            .withNewMetadata()
            .withName("worker")
            .withNamespace(NS)
            .addToAnnotations("accord.dev/cluster", "accord")
            .addToAnnotations("accord.dev/namespace", ACCORD_NAMESPACE)
            .endMetadata()
            .withNewSpec()
            .withServiceAccountName("worker")
            .addNewContainer()
            .withName("worker")
            .withImage("example/worker:1")
            .endContainer()
            .endSpec()
            .build();
    String webhookCa = Webhooks.storedCa(client);
    if (webhook != null) {
      assertThat(webhookCa).isEqualTo(webhook.caCertificatePem());
    }
    Pod admitted = Webhooks.inject(webhookPort, webhookCa, worker);
    List<EnvVar> injected = admitted.getSpec().getContainers().get(0).getEnv();
    Map<String, EnvVar> byName =
        injected.stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
    assertThat(byName.keySet())
        .containsExactlyInAnyOrder(
            "ACCORD_TARGET",
            "ACCORD_OWNER",
            "ACCORD_NAMESPACE",
            "ACCORD_TTL",
            "ACCORD_TOKEN_FILE",
            "ACCORD_TLS_CA_FILE");
    assertThat(byName.get("ACCORD_TARGET").getValue()).isEqualTo(endpoint);
    assertThat(byName.get("ACCORD_OWNER").getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("metadata.name");
    assertThat(byName.get("ACCORD_TTL").getValue()).isEqualTo("10s");

    // 3. Three worker processes with exactly that environment (the downward API gives each its pod
    // name).
    for (int i = 0; i < 3; i++) {
      workers.add(startWorker("worker-" + i, admitted));
    }
    await().atMost(WAIT).until(() -> processedLines().size() >= 100);

    // 4. Scale to two servers through the spec (what the scale subresource writes); status follows.
    client
        .resources(AccordCluster.class)
        .inNamespace(NS)
        .withName("accord")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":2}}");
    awaitReady(2);

    // 5. Kill one server outright while the workers run; they carry on through the other.
    int before = processedLines().size();
    assertThat(before).as("the workers are still working").isLessThan(RESOURCES);
    StandInKubelet.Pod victim = kubelet.pods(NS, "accord-server").get(0);
    victim.container.kill();
    Files.createFile(workDir.resolve("gate"));

    for (Process process : workers) {
      assertThat(process.waitFor(3, TimeUnit.MINUTES))
          .as("worker finished; see " + workDir)
          .isTrue();
      assertThat(process.exitValue()).as("worker exit code; see " + workDir).isZero();
    }

    // Every resource processed, never twice under one grant, all marked done in the database. A
    // lease that ran out while its server was killed is taken over under a greater fencing token
    // (the first worker's done is then refused as superseded): that is fencing at work, not a
    // second grant.
    List<String> lines = processedLines();
    Map<String, Long> counts =
        lines.stream()
            .map(line -> line.split(" ")[0])
            .collect(Collectors.groupingBy(name -> name, Collectors.counting()));
    assertThat(counts).hasSize(RESOURCES);
    Map<String, Long> grants =
        lines.stream()
            .map(line -> line.split(" ")[0] + " " + line.split(" ")[1])
            .collect(Collectors.groupingBy(grant -> grant, Collectors.counting()));
    List<String> twice =
        lines.stream()
            .filter(line -> grants.get(line.split(" ")[0] + " " + line.split(" ")[1]) > 1)
            .sorted()
            .toList();
    assertThat(twice)
        .as("resources processed twice under one grant (name, fencing token, worker)")
        .isEmpty();
    assertThat(lines.stream().map(line -> line.split(" ")[2]).distinct()).hasSize(3);
    assertThat(doneInDatabase()).isEqualTo(RESOURCES);
    assertThat(tokens.reviews()).as("the servers asked who the workers are").isPositive();
    SecurityProbes.assertRefusedWithoutTrustOrIdentity(
        kubelet.pods(NS, "accord-server").get(0).ip, 7475, client, tokens, ACCORD_NAMESPACE);

    // 6. Delete the AccordCluster.
    client.resources(AccordCluster.class).inNamespace(NS).withName("accord").delete();
    await()
        .atMost(WAIT)
        .until(
            () ->
                client.resources(AccordCluster.class).inNamespace(NS).withName("accord").get()
                    == null);
  }

  private void applySample(int postgresPort) throws IOException {
    Path sample =
        Path.of(System.getProperty("accord.manifests"), "samples", "accordcluster-external.yaml");
    List<HasMetadata> items;
    try (InputStream in = new FileInputStream(sample.toFile())) {
      items = client.load(in).items();
    }
    for (HasMetadata loaded : items) {
      HasMetadata item =
          "AccordCluster".equals(loaded.getKind())
              ? io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
                  io.fabric8.kubernetes.client.utils.Serialization.asJson(loaded),
                  AccordCluster.class)
              : loaded;
      item.getMetadata().setNamespace(NS);
      if (item instanceof Secret secret) {
        // What the API server does with stringData (the mock does not), with our database's URL.
        String url = "postgres://postgres@localhost:" + postgresPort + "/postgres";
        secret.setData(
            Map.of(
                "url", Base64.getEncoder().encodeToString(url.getBytes(StandardCharsets.UTF_8))));
        secret.setStringData(null);
      }
      if (item instanceof AccordCluster cluster) {
        // A lease TTL that lets a resource whose grant was lost with the killed server come back
        // within the test.
        cluster.getSpec().getClientDefaults().setTtl("10s");
        // A memory limit, which the servers' containers get and their JVMs size their heaps by.
        cluster
            .getSpec()
            .setResources(
                new ResourceRequirementsBuilder()
                    .addToLimits("memory", new Quantity("512Mi"))
                    .build());
      }
      client.resource(item).create();
    }
  }

  private AccordCluster awaitReady(int replicas) {
    return await()
        .atMost(WAIT)
        .until(
            () -> client.resources(AccordCluster.class).inNamespace(NS).withName("accord").get(),
            cluster ->
                cluster != null
                    && cluster.getStatus() != null
                    && Integer.valueOf(replicas).equals(cluster.getStatus().getReadyReplicas())
                    && readyCondition(cluster)
                        .map(c -> "True".equals(c.getStatus()))
                        .orElse(false));
  }

  private static Optional<Condition> readyCondition(AccordCluster cluster) {
    return readyCondition(cluster, "Ready");
  }

  private static Optional<Condition> readyCondition(AccordCluster cluster, String type) {
    return cluster.getStatus().getConditions() == null
        ? Optional.empty()
        : cluster.getStatus().getConditions().stream()
            .filter(c -> type.equals(c.getType()))
            .findFirst();
  }

  /** A worker pod's container as a process: its mounts written, its variables pointed at them. */
  private Process startWorker(String podName, Pod pod) throws IOException {
    var container = pod.getSpec().getContainers().get(0);
    Map<String, Path> mounts =
        volumes
            .mount(NS, podName, pod.getSpec(), container)
            .orElseThrow(() -> new AssertionError("the worker's CA ConfigMap is missing"));
    Path output = workDir.resolve(podName + ".processed");
    ProcessBuilder builder =
        new ProcessBuilder(
                ProcessPodRuntime.javaBinary(),
                "-Djdk.net.hosts.file=" + kubelet.hostsFile(),
                "-Dsun.net.inetaddr.ttl=0",
                "-cp",
                System.getProperty("java.class.path"),
                E2eWorker.class.getName(),
                output.toString(),
                Integer.toString(RESOURCES),
                "30",
                workDir.resolve("gate").toString(),
                Integer.toString(HOLD_AFTER))
            .redirectErrorStream(true)
            .redirectOutput(workDir.resolve(podName + ".log").toFile());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> k.startsWith("ACCORD_"));
    for (EnvVar variable : container.getEnv()) {
      env.put(
          variable.getName(),
          variable.getValueFrom() != null
              ? podName
              : StandInVolumes.rewrite(variable.getValue(), mounts));
    }
    return builder.start();
  }

  private List<String> processedLines() throws IOException {
    List<String> lines = new ArrayList<>();
    try (var files = Files.list(workDir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".processed")).toList()) {
        lines.addAll(Files.readAllLines(file));
      }
    }
    return lines;
  }

  private long doneInDatabase() throws Exception {
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT count(*) FROM accord_resource WHERE namespace = '"
                    + ACCORD_NAMESPACE
                    + "' AND done_at IS NOT NULL")) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
