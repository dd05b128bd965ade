package dev.accord.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.accord.crd.v1alpha1.AccordCluster;
import dev.accord.crd.v1alpha1.AccordClusterSpec;
import dev.accord.crd.v1alpha1.ExternalPostgres;
import dev.accord.crd.v1alpha1.ManagedPostgres;
import dev.accord.crd.v1alpha1.PostgresSpec;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator against Fabric8's mock API server in CRUD mode. The mock stores and serves objects
 * like an API server but runs no controllers: nothing creates pods, so the tests write the
 * Deployment's and StatefulSet's status themselves, as the Kubernetes controllers would.
 */
@EnableKubernetesMockClient(crud = true)
class AccordOperatorTest {
  private static final String NS = "jobs";
  private static final Duration WAIT = Duration.ofSeconds(30);
  private KubernetesClient client;
  private KubernetesMockServer server;
  private AccordOperator operator;

  @BeforeEach
  void startOperator() {
    operator = startedOperator();
  }

  private AccordOperator startedOperator() {
    AccordOperator started =
        new AccordOperator(
            client,
            new OperatorSettings(Set.of(), "accord/accord-server:test", null, "test", 0),
            Clock.systemUTC(),
            false);
    started.start();
    return started;
  }

  @AfterEach
  void stopOperator() {
    operator.close();
  }

  // ---- fixtures ----

  private static AccordCluster cluster(String name, Consumer<AccordClusterSpec> customize) {
    AccordCluster cluster = new AccordCluster();
    cluster.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    AccordClusterSpec spec = new AccordClusterSpec();
    spec.setReplicas(1);
    spec.setPort(7475);
    spec.setPostgres(new PostgresSpec());
    customize.accept(spec);
    cluster.setSpec(spec);
    return cluster;
  }

  private static Consumer<AccordClusterSpec> managed() {
    return spec -> spec.getPostgres().setManaged(new ManagedPostgres());
  }

  private static Consumer<AccordClusterSpec> external(String secret, String urlKey) {
    return spec -> {
      ExternalPostgres external = new ExternalPostgres();
      external.setSecretName(secret);
      external.setUrlKey(urlKey);
      spec.getPostgres().setExternal(external);
    };
  }

  private AccordCluster create(AccordCluster cluster) {
    return client.resource(cluster).create();
  }

  /** Stored as {@code data}, as an API server stores stringData (the mock does not convert it). */
  private Secret createSecret(String name, Map<String, String> values) {
    Map<String, String> data = new java.util.HashMap<>();
    values.forEach(
        (key, value) ->
            data.put(key, java.util.Base64.getEncoder().encodeToString(value.getBytes())));
    return client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS)
                .endMetadata()
                .withData(data)
                .build())
        .create();
  }

  private Optional<Deployment> deployment(String cluster) {
    return Optional.ofNullable(
        client.apps().deployments().inNamespace(NS).withName(cluster + "-server").get());
  }

  private Deployment awaitDeployment(String cluster) {
    return await().atMost(WAIT).until(() -> deployment(cluster), Optional::isPresent).orElseThrow();
  }

  private String configHash(String cluster) {
    return deployment(cluster)
        .orElseThrow()
        .getSpec()
        .getTemplate()
        .getMetadata()
        .getAnnotations()
        .get(AccordResources.CONFIG_HASH_ANNOTATION);
  }

  private AccordCluster fetch(String name) {
    return client.resources(AccordCluster.class).inNamespace(NS).withName(name).get();
  }

  /** Changes the spec as a user would, without racing the operator's status writes. */
  private void editCluster(String name, Consumer<AccordClusterSpec> change) {
    AccordClusterSpec spec = fetch(name).getSpec();
    change.accept(spec);
    // A merge patch carries no resourceVersion, so it cannot conflict with the operator's status
    // writes.
    client
        .resources(AccordCluster.class)
        .inNamespace(NS)
        .withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(Map.of("spec", spec)));
  }

  private Optional<Condition> condition(String name, String type) {
    AccordCluster cluster = fetch(name);
    if (cluster == null
        || cluster.getStatus() == null
        || cluster.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return cluster.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst();
  }

  private Condition awaitCondition(String name, String type, String status, String reason) {
    return await()
        .atMost(WAIT)
        .until(
            () -> condition(name, type),
            c ->
                c.isPresent()
                    && status.equals(c.get().getStatus())
                    && reason.equals(c.get().getReason()))
        .orElseThrow();
  }

  /** Plays the Deployment controller and kubelet: every replica up to date and ready. */
  private void reportDeploymentReady(String cluster) {
    retryingConflicts(
        () -> {
          Deployment current = deployment(cluster).orElseThrow();
          int replicas = current.getSpec().getReplicas();
          current.setStatus(
              new DeploymentStatusBuilder()
                  .withReplicas(replicas)
                  .withReadyReplicas(replicas)
                  .withUpdatedReplicas(replicas)
                  .withAvailableReplicas(replicas)
                  .withObservedGeneration(current.getMetadata().getGeneration())
                  .build());
          client.resource(current).updateStatus();
        });
  }

  /** Writes from a fresh read, again if the operator wrote the object in between (409). */
  private static void retryingConflicts(Runnable write) {
    await()
        .atMost(WAIT)
        .ignoreException(io.fabric8.kubernetes.client.KubernetesClientException.class)
        .until(
            () -> {
              write.run();
              return true;
            });
  }

  private void reportPostgresReady(String cluster) {
    StatefulSet current =
        await()
            .atMost(WAIT)
            .until(
                () ->
                    client
                        .apps()
                        .statefulSets()
                        .inNamespace(NS)
                        .withName(cluster + "-postgres")
                        .get(),
                s -> s != null);
    current.setStatus(new StatefulSetStatusBuilder().withReplicas(1).withReadyReplicas(1).build());
    client.resource(current).updateStatus();
  }

  private static Map<String, EnvVar> env(Deployment deployment) {
    Map<String, EnvVar> env = new java.util.HashMap<>();
    deployment
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getEnv()
        .forEach(e -> env.put(e.getName(), e));
    return env;
  }

  // ---- tests ----

  @Test
  void aManagedClusterGetsServersServicesAndAPostgresItOwns() {
    AccordCluster created = create(cluster("demo", managed()));

    Deployment deployment = awaitDeployment("demo");
    Service clientService =
        await()
            .atMost(WAIT)
            .until(() -> client.services().inNamespace(NS).withName("demo").get(), s -> s != null);
    Service headless =
        await()
            .atMost(WAIT)
            .until(
                () -> client.services().inNamespace(NS).withName("demo-headless").get(),
                s -> s != null);
    StatefulSet postgres =
        await()
            .atMost(WAIT)
            .until(
                () -> client.apps().statefulSets().inNamespace(NS).withName("demo-postgres").get(),
                s -> s != null);
    Secret password =
        await()
            .atMost(WAIT)
            .until(
                () -> client.secrets().inNamespace(NS).withName("demo-postgres").get(),
                s -> s != null);
    Service postgresService =
        await()
            .atMost(WAIT)
            .until(
                () -> client.services().inNamespace(NS).withName("demo-postgres").get(),
                s -> s != null);

    for (io.fabric8.kubernetes.api.model.HasMetadata owned :
        List.of(deployment, clientService, headless, postgres, password, postgresService)) {
      assertThat(owned.getMetadata().getOwnerReferences())
          .as(owned.getMetadata().getName())
          .extracting(OwnerReference::getUid)
          .containsExactly(created.getMetadata().getUid());
      assertThat(owned.getMetadata().getLabels())
          .as(owned.getMetadata().getName())
          .containsEntry("app.kubernetes.io/name", "accord")
          .containsEntry("app.kubernetes.io/instance", "demo")
          .containsEntry("app.kubernetes.io/managed-by", "accord-operator")
          .containsEntry("app.kubernetes.io/part-of", "accord")
          .containsKey("app.kubernetes.io/component");
    }
    assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(password.getData()).containsKey("password");
    Map<String, EnvVar> env = env(deployment);
    assertThat(env.get("ACCORD_BACKEND").getValue()).isEqualTo("postgres");
    assertThat(env.get("PGHOST").getValue()).isEqualTo("demo-postgres");
    assertThat(env.get("PGPASSWORD").getValueFrom().getSecretKeyRef().getName())
        .isEqualTo("demo-postgres");
    assertThat(env.get("PGPASSWORD").getValue()).as("the password is only referenced").isNull();
    assertThat(
            client
                .policy()
                .v1()
                .podDisruptionBudget()
                .inNamespace(NS)
                .withName("demo-server")
                .get())
        .as("no disruption budget for one replica")
        .isNull();
  }

  @Test
  void theServerDeploymentIsHardenedAndProbedOverGrpcHealth() {
    create(cluster("demo", managed()));

    Deployment deployment = awaitDeployment("demo");

    var spec = deployment.getSpec();
    assertThat(spec.getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();
    var pod = spec.getTemplate().getSpec();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    var container = pod.getContainers().get(0);
    assertThat(container.getImage()).isEqualTo("accord/accord-server:test");
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getVolumeMounts())
        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
    // TLS is on by default and the kubelet's gRPC probe cannot speak it: the probes ask the
    // server's plaintext health-only port.
    assertThat(container.getReadinessProbe().getGrpc().getPort()).isEqualTo(7476);
    assertThat(container.getReadinessProbe().getGrpc().getService()).isEmpty();
    assertThat(container.getLivenessProbe().getGrpc().getPort()).isEqualTo(7476);
    assertThat(container.getLivenessProbe().getGrpc().getService()).isEqualTo("accord.liveness");
    assertThat(env(deployment).get("ACCORD_HEALTH_LISTEN").getValue()).isEqualTo(":7476");
    assertThat(container.getPorts())
        .extracting(p -> p.getName() + "=" + p.getContainerPort())
        .containsExactly("grpc=7475", "health=7476", "http-metrics=9090");
    assertThat(env(deployment).get("ACCORD_LISTEN").getValue()).isEqualTo(":7475");
    assertThat(env(deployment).get("ACCORD_HTTP_LISTEN").getValue()).isEqualTo(":9090");
  }

  @Test
  void statusTurnsReadyWhenTheDeploymentReportsReadyReplicas() {
    create(cluster("demo", managed()));
    awaitDeployment("demo");
    awaitCondition("demo", "Ready", "False", "PostgresStarting");

    reportPostgresReady("demo");
    awaitCondition("demo", "BackendReady", "True", "PostgresReady");
    Condition starting = awaitCondition("demo", "Ready", "False", "Starting");
    reportDeploymentReady("demo");

    Condition ready = awaitCondition("demo", "Ready", "True", "Ready");
    AccordCluster cluster = fetch("demo");
    assertThat(cluster.getStatus().getReadyReplicas()).isEqualTo(1);
    assertThat(cluster.getStatus().getEndpoint()).isEqualTo("dns:///demo-headless.jobs.svc:7475");
    assertThat(cluster.getStatus().getBackend()).isEqualTo("managed");
    assertThat(cluster.getStatus().getObservedGeneration())
        .isEqualTo(cluster.getMetadata().getGeneration());
    assertThat(cluster.getStatus().getSelector()).contains("app.kubernetes.io/instance=demo");
    assertThat(condition("demo", "Progressing").orElseThrow().getStatus()).isEqualTo("False");
    assertThat(condition("demo", "Degraded").orElseThrow().getStatus()).isEqualTo("False");
    assertThat(ready.getLastTransitionTime()).isNotNull();
    assertThat(starting.getLastTransitionTime()).isNotNull();
  }

  @Test
  void aSpecChangeRollsTheServersAndAHandEditIsPutBack() {
    create(cluster("demo", managed()));
    awaitDeployment("demo");
    String before = configHash("demo");

    editCluster(
        "demo",
        spec ->
            spec.setResources(
                new ResourceRequirementsBuilder()
                    .addToLimits("memory", new Quantity("512Mi"))
                    .build()));
    await().atMost(WAIT).until(() -> !before.equals(configHash("demo")));

    retryingConflicts(
        () -> {
          Deployment edited = deployment("demo").orElseThrow();
          edited.getSpec().setReplicas(5);
          edited
              .getSpec()
              .getTemplate()
              .getSpec()
              .getContainers()
              .get(0)
              .setImage("someone/else:latest");
          client.resource(edited).update();
        });
    await()
        .atMost(WAIT)
        .until(
            () ->
                deployment("demo").orElseThrow().getSpec().getReplicas() == 1
                    && deployment("demo")
                        .orElseThrow()
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage()
                        .equals("accord/accord-server:test"));

    client.services().inNamespace(NS).withName("demo").delete();
    await()
        .atMost(WAIT)
        .until(() -> client.services().inNamespace(NS).withName("demo").get() != null);
  }

  @Test
  void scalingChangesTheServersAndAddsADisruptionBudgetAboveOneReplica() {
    create(cluster("demo", managed()));
    awaitDeployment("demo");

    // What `kubectl scale ac demo --replicas 3` does through the scale subresource: set
    // spec.replicas.
    editCluster("demo", spec -> spec.setReplicas(3));

    await().atMost(WAIT).until(() -> deployment("demo").orElseThrow().getSpec().getReplicas() == 3);
    PodDisruptionBudget budget =
        await()
            .atMost(WAIT)
            .until(
                () ->
                    client
                        .policy()
                        .v1()
                        .podDisruptionBudget()
                        .inNamespace(NS)
                        .withName("demo-server")
                        .get(),
                b -> b != null);
    assertThat(budget.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    reportPostgresReady("demo");
    reportDeploymentReady("demo");
    await().atMost(WAIT).until(() -> fetch("demo").getStatus().getReadyReplicas() == 3);

    editCluster("demo", spec -> spec.setReplicas(1));
    await()
        .atMost(WAIT)
        .until(
            () ->
                client
                        .policy()
                        .v1()
                        .podDisruptionBudget()
                        .inNamespace(NS)
                        .withName("demo-server")
                        .get()
                    == null);
  }

  @Test
  void anExternalClusterReferencesItsSecretAndRunsNoDatabase() {
    createSecret("pg", Map.of("url", "postgres://accord:s3cret@db:5432/accord"));
    create(cluster("ext", external("pg", "url")));

    Deployment deployment = awaitDeployment("ext");

    EnvVar backend = env(deployment).get("ACCORD_BACKEND");
    assertThat(backend.getValue()).isNull();
    assertThat(backend.getValueFrom().getSecretKeyRef().getName()).isEqualTo("pg");
    assertThat(backend.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("url");
    assertThat(client.apps().statefulSets().inNamespace(NS).list().getItems()).isEmpty();
    assertThat(client.secrets().inNamespace(NS).withName("ext-postgres").get()).isNull();
    assertThat(io.fabric8.kubernetes.client.utils.Serialization.asJson(deployment))
        .doesNotContain("s3cret");
    awaitCondition("ext", "BackendReady", "True", "Configured");
    assertThat(fetch("ext").getStatus().getBackend()).isEqualTo("external");
  }

  @Test
  void anExternalSecretWithSeparateKeysIsPassedAsLibpqVariables() {
    createSecret(
        "pg", Map.of("host", "db", "database", "accord", "user", "accord", "password", "pw"));
    create(cluster("ext", external("pg", null)));

    Map<String, EnvVar> env = env(awaitDeployment("ext"));

    assertThat(env.get("ACCORD_BACKEND").getValue()).isEqualTo("postgres");
    for (String variable : List.of("PGHOST", "PGDATABASE", "PGUSER", "PGPASSWORD")) {
      assertThat(env.get(variable).getValueFrom().getSecretKeyRef().getName())
          .as(variable)
          .isEqualTo("pg");
    }
    assertThat(env.get("PGPORT").getValueFrom().getSecretKeyRef().getOptional()).isTrue();
  }

  @Test
  void changingTheReferencedSecretRollsTheServers() {
    createSecret("pg", Map.of("url", "postgres://accord:old@db:5432/accord"));
    create(cluster("ext", external("pg", "url")));
    awaitDeployment("ext");
    String before = configHash("ext");

    Secret secret = client.secrets().inNamespace(NS).withName("pg").get();
    secret.setData(
        Map.of(
            "url",
            java.util.Base64.getEncoder()
                .encodeToString("postgres://accord:rotated@db:5432/accord".getBytes())));
    client.resource(secret).update();

    await().atMost(WAIT).until(() -> !before.equals(configHash("ext")));
  }

  @Test
  void aMissingSecretIsReportedAndTheClusterRecoversWhenItAppears() {
    create(cluster("ext", external("pg", "url")));

    Condition missing = awaitCondition("ext", "BackendReady", "False", "SecretNotFound");
    assertThat(missing.getMessage()).contains("Secret pg not found").contains("key url");
    awaitCondition("ext", "Ready", "False", "SecretNotFound");
    awaitCondition("ext", "Degraded", "True", "SecretNotFound");

    createSecret("pg", Map.of("url", "postgres://accord:pw@db:5432/accord"));

    awaitCondition("ext", "BackendReady", "True", "Configured");
    awaitCondition("ext", "Degraded", "False", "AsExpected");
  }

  @Test
  void aSecretWithoutTheNeededKeysIsReportedAndRecoversWhenFixed() {
    createSecret("pg", Map.of("host", "db", "user", "accord"));
    create(cluster("ext", external("pg", null)));

    Condition missing = awaitCondition("ext", "BackendReady", "False", "SecretKeyMissing");
    assertThat(missing.getMessage()).contains("database").contains("password").contains("urlKey");

    Secret secret = client.secrets().inNamespace(NS).withName("pg").get();
    Map<String, String> data = new java.util.HashMap<>(secret.getData());
    data.put("database", java.util.Base64.getEncoder().encodeToString("accord".getBytes()));
    data.put("password", java.util.Base64.getEncoder().encodeToString("pw".getBytes()));
    secret.setData(data);
    client.resource(secret).update();

    awaitCondition("ext", "BackendReady", "True", "Configured");
  }

  @Test
  void aSpecNamingBothOrNeitherDatabaseIsReportedAndRecoversWhenFixed() {
    create(
        cluster(
            "both",
            spec -> {
              managed().accept(spec);
              external("pg", "url").accept(spec);
            }));
    create(cluster("neither", spec -> {}));

    Condition both = awaitCondition("both", "Ready", "False", "InvalidBackend");
    awaitCondition("neither", "Ready", "False", "InvalidBackend");
    assertThat(both.getMessage())
        .contains(
            "exactly one of spec.postgres.external, spec.postgres.managed or"
                + " spec.postgres.cloudNativePG");
    assertThat(deployment("both")).isEmpty();

    editCluster("neither", spec -> spec.getPostgres().setManaged(new ManagedPostgres()));

    awaitDeployment("neither");
    awaitCondition("neither", "BackendReady", "False", "PostgresStarting");
  }

  @Test
  void aDeploymentThatCannotProgressIsDegraded() {
    create(cluster("demo", managed()));
    awaitDeployment("demo");
    reportPostgresReady("demo");

    Deployment current = deployment("demo").orElseThrow();
    current.setStatus(
        new DeploymentStatusBuilder()
            .withReplicas(1)
            .withReadyReplicas(0)
            .withUpdatedReplicas(1)
            .withObservedGeneration(current.getMetadata().getGeneration())
            .withConditions(
                new DeploymentConditionBuilder()
                    .withType("Progressing")
                    .withStatus("False")
                    .withReason("ProgressDeadlineExceeded")
                    .withMessage("ReplicaSet demo-server-abc has timed out progressing.")
                    .build())
            .build());
    client.resource(current).updateStatus();

    Condition degraded = awaitCondition("demo", "Degraded", "True", "RolloutStuck");
    assertThat(degraded.getMessage())
        .contains("timed out progressing")
        .contains("kubectl describe deployment demo-server");
    awaitCondition("demo", "Ready", "False", "RolloutStuck");
  }

  @Test
  void theManagedPasswordIsCreatedOnceAndKept() {
    create(cluster("demo", managed()));
    Secret first =
        await()
            .atMost(WAIT)
            .until(
                () -> client.secrets().inNamespace(NS).withName("demo-postgres").get(),
                s -> s != null);
    editCluster("demo", spec -> spec.setReplicas(2));
    await().atMost(WAIT).until(() -> deployment("demo").orElseThrow().getSpec().getReplicas() == 2);

    Secret later = client.secrets().inNamespace(NS).withName("demo-postgres").get();

    assertThat(later.getData().get("password")).isEqualTo(first.getData().get("password"));
    assertThat(later.getMetadata().getResourceVersion())
        .isEqualTo(first.getMetadata().getResourceVersion());
  }

  @Test
  void lastTransitionTimeMovesOnlyWhenAConditionFlips() {
    create(cluster("demo", managed()));
    awaitDeployment("demo");
    Condition first = awaitCondition("demo", "Ready", "False", "PostgresStarting");
    reportPostgresReady("demo");
    Condition second = awaitCondition("demo", "Ready", "False", "Starting");

    assertThat(second.getLastTransitionTime()).isEqualTo(first.getLastTransitionTime());
  }

  @Test
  void aSecondReconcileOfAnUnchangedClusterWritesNothing() throws Exception {
    createSecret("pg", Map.of("url", "postgres://accord:pw@db:5432/accord"));
    create(cluster("demo", managed()));
    create(
        cluster(
            "ext",
            spec -> {
              external("pg", "url").accept(spec);
              spec.setReplicas(2);
            }));
    reportPostgresReady("demo");
    awaitDeployment("ext");
    reportDeploymentReady("demo");
    reportDeploymentReady("ext");
    awaitCondition("demo", "Ready", "True", "Ready");
    awaitCondition("ext", "Ready", "True", "Ready");

    operator.close();
    drainRequests();
    operator = startedOperator();
    // The new operator reconciles both clusters on start; give it time, then look at what it asked.
    await().pollDelay(Duration.ofSeconds(3)).atMost(WAIT).until(operator::isHealthy);
    List<String> writes = new ArrayList<>();
    for (RecordedRequest request = server.takeRequest(1, TimeUnit.SECONDS);
        request != null;
        request = server.takeRequest(1, TimeUnit.SECONDS)) {
      if (!request.getMethod().equals("GET")) {
        writes.add(request.getMethod() + " " + request.getPath());
      }
    }

    assertThat(writes).isEmpty();
  }

  @Test
  void anOperatorConfiguredForSomeNamespacesLeavesTheOthersAlone() {
    operator.close();
    operator =
        new AccordOperator(
            client,
            new OperatorSettings(Set.of("watched"), "accord/accord-server:test", null, "test", 0),
            Clock.systemUTC(),
            false);
    operator.start();
    AccordCluster watched = cluster("a", managed());
    watched.getMetadata().setNamespace("watched");
    AccordCluster ignored = cluster("b", managed());
    client.resource(watched).create();
    client.resource(ignored).create();

    await()
        .atMost(WAIT)
        .until(
            () ->
                client.apps().deployments().inNamespace("watched").withName("a-server").get()
                    != null);
    assertThat(client.apps().deployments().inNamespace(NS).withName("b-server").get()).isNull();
    assertThat(fetch("b").getStatus()).isNull();
  }

  private void drainRequests() throws InterruptedException {
    while (server.takeRequest(100, TimeUnit.MILLISECONDS) != null) {
      // discard what happened before the restart
    }
  }
}
