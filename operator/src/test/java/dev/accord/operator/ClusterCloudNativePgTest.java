package dev.accord.operator;

import static dev.accord.operator.ClusterFixture.NS;
import static dev.accord.operator.ClusterFixture.env;
import static org.assertj.core.api.Assertions.assertThat;

import dev.accord.crd.v1alpha1.AccordClusterSpec;
import dev.accord.crd.v1alpha1.CloudNativePgPostgres;
import dev.accord.crd.v1alpha1.ConditionTypes;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A cluster on a CloudNativePG Cluster (spec.postgres.cloudNativePG): the servers read the
 * Cluster's application Secret, and BackendReady follows the Cluster's readiness. CloudNativePG is
 * played by the test: it installs the CRD, and writes the Cluster (a generic resource), its status
 * and its {@code <cluster>-app} Secret.
 */
@EnableKubernetesMockClient(crud = true)
class ClusterCloudNativePgTest {
  static final String PG = "pg";
  static final String APP_SECRET = PG + "-app";

  KubernetesClient client;
  ClusterFixture fixture;

  @BeforeEach
  void start() {
    fixture = new ClusterFixture(client, new TestClock(Instant.parse("2026-12-01T00:00:00Z")));
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  static void onCloudNativePg(AccordClusterSpec spec) {
    CloudNativePgPostgres cnpg = new CloudNativePgPostgres();
    cnpg.setCluster(PG);
    spec.getPostgres().setExternal(null);
    spec.getPostgres().setCloudNativePG(cnpg);
  }

  /** CloudNativePG's Cluster CRD, as installing CloudNativePG creates it. */
  void installCloudNativePg() {
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .resource(
            new CustomResourceDefinitionBuilder()
                .withNewMetadata()
                .withName(CloudNativePgCluster.CRD)
                .endMetadata()
                .withNewSpec()
                .withGroup(CloudNativePgCluster.GROUP)
                .withScope("Namespaced")
                .withNewNames()
                .withKind(CloudNativePgCluster.KIND)
                .withPlural("clusters")
                .withSingular("cluster")
                .endNames()
                .addNewVersion()
                .withName("v1")
                .withServed(true)
                .withStorage(true)
                .endVersion()
                .endSpec()
                .build())
        .create();
  }

  Resource<GenericKubernetesResource> pgCluster() {
    return client
        .genericKubernetesResources(CloudNativePgCluster.API_VERSION, CloudNativePgCluster.KIND)
        .inNamespace(NS)
        .withName(PG);
  }

  /** The Cluster with the status CloudNativePG reports (null fields left out). */
  void writeCluster(String phase, String readyStatus, String readyMessage) {
    Map<String, Object> status = new LinkedHashMap<>();
    if (phase != null) {
      status.put("phase", phase);
    }
    if (readyStatus != null) {
      status.put(
          "conditions",
          List.of(Map.of("type", "Ready", "status", readyStatus, "message", readyMessage)));
    }
    GenericKubernetesResource existing = pgCluster().get();
    GenericKubernetesResource pg =
        existing != null
            ? existing
            : new GenericKubernetesResourceBuilder()
                .withApiVersion(CloudNativePgCluster.API_VERSION)
                .withKind(CloudNativePgCluster.KIND)
                .withNewMetadata()
                .withName(PG)
                .withNamespace(NS)
                .endMetadata()
                .addToAdditionalProperties("spec", Map.of("instances", 3))
                .build();
    pg.getAdditionalProperties().put("status", status);
    if (existing == null) {
      client.resource(pg).create();
    } else {
      client.resource(pg).update();
    }
  }

  void writeReadyCluster() {
    writeCluster("Cluster in healthy state", "True", "Cluster is Ready");
  }

  /** The application Secret as CloudNativePG writes it, with the keys given. */
  void writeAppSecret(Map<String, String> values) {
    Map<String, String> data = new LinkedHashMap<>();
    values.forEach(
        (k, v) ->
            data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(APP_SECRET)
                .withNamespace(NS)
                .endMetadata()
                .withType("kubernetes.io/basic-auth")
                .withData(data)
                .build())
        .create();
  }

  static Map<String, String> keyed() {
    return Map.of(
        "host", "pg-rw.jobs.svc.cluster.local",
        "port", "5432",
        "dbname", "app",
        "user", "app",
        "username", "app",
        "password", "s3cret");
  }

  @Test
  void withoutCloudNativePgInstalledTheOperatorKeepsRunningAndSaysSo() {
    fixture.create("demo", ClusterCloudNativePgTest::onCloudNativePg);

    Condition backend =
        fixture.awaitCondition(
            "demo", ConditionTypes.BACKEND_READY, "False", ConditionReasons.CNPG_NOT_INSTALLED);
    assertThat(backend.getMessage()).contains(PG).contains(CloudNativePgCluster.CRD);
    fixture.awaitCondition(
        "demo", ConditionTypes.DEGRADED, "True", ConditionReasons.CNPG_NOT_INSTALLED);
    assertThat(fixture.healthy()).as("operator healthy without CloudNativePG").isTrue();

    // Other clusters are served as before.
    fixture.create("ext", spec -> {});
    fixture.awaitCondition(
        "ext", ConditionTypes.BACKEND_READY, "True", ConditionReasons.CONFIGURED);
  }

  @Test
  void theServersReadTheAppSecretsUriAndBackendReadyFollowsTheCluster() {
    installCloudNativePg();
    writeCluster("Setting up primary", "False", "Cluster Is Not Ready");
    Map<String, String> secret = new LinkedHashMap<>(keyed());
    secret.put("uri", "postgresql://app:s3cret@pg-rw.jobs:5432/app");
    writeAppSecret(secret);
    fixture.create("demo", ClusterCloudNativePgTest::onCloudNativePg);

    Map<String, EnvVar> env = env(fixture.deployment("demo"));
    EnvVar backend = env.get("ACCORD_BACKEND");
    assertThat(backend.getValue()).isNull();
    assertThat(backend.getValueFrom().getSecretKeyRef().getName()).isEqualTo(APP_SECRET);
    assertThat(backend.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("uri");
    assertThat(env).doesNotContainKeys("PGHOST", "PGPASSWORD");
    Condition waiting =
        fixture.awaitCondition(
            "demo", ConditionTypes.BACKEND_READY, "False", ConditionReasons.CNPG_CLUSTER_NOT_READY);
    assertThat(waiting.getMessage()).contains(PG).contains("Setting up primary");
    fixture.awaitCondition("demo", ConditionTypes.DEGRADED, "False", ConditionReasons.AS_EXPECTED);
    assertThat(fixture.fetch("demo").getStatus().getBackend()).isEqualTo("cloudNativePG");

    // Only the Cluster's own change can flip these: no recheck is scheduled once it is watched.
    writeReadyCluster();
    fixture.awaitCondition(
        "demo", ConditionTypes.BACKEND_READY, "True", ConditionReasons.CNPG_CLUSTER_READY);

    writeCluster("Failing over", "False", "Cluster Is Not Ready");
    Condition failing =
        fixture.awaitCondition(
            "demo", ConditionTypes.BACKEND_READY, "False", ConditionReasons.CNPG_CLUSTER_NOT_READY);
    assertThat(failing.getMessage()).contains("Failing over");
  }

  @Test
  void withoutUriTheSeparateKeysAreReadWithDbnameAsTheDatabase() {
    installCloudNativePg();
    // A phase without a Ready condition, as CloudNativePG versions before the condition report.
    writeCluster("Cluster in healthy state", null, null);
    writeAppSecret(keyed());
    fixture.create("demo", ClusterCloudNativePgTest::onCloudNativePg);

    fixture.awaitCondition(
        "demo", ConditionTypes.BACKEND_READY, "True", ConditionReasons.CNPG_CLUSTER_READY);
    Map<String, EnvVar> env = env(fixture.deployment("demo"));
    assertThat(env.get("ACCORD_BACKEND").getValue()).isEqualTo("postgres");
    Map<String, String> keys = new LinkedHashMap<>();
    for (String variable : List.of("PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD")) {
      var ref = env.get(variable).getValueFrom().getSecretKeyRef();
      assertThat(ref.getName()).as(variable).isEqualTo(APP_SECRET);
      keys.put(variable, ref.getKey());
    }
    assertThat(keys)
        .containsExactly(
            Map.entry("PGHOST", "host"),
            Map.entry("PGPORT", "port"),
            Map.entry("PGDATABASE", "dbname"),
            Map.entry("PGUSER", "user"),
            Map.entry("PGPASSWORD", "password"));
  }

  @Test
  void aMissingClusterThenAMissingSecretAreReportedAndTheClusterRecovers() {
    installCloudNativePg();
    fixture.create("demo", ClusterCloudNativePgTest::onCloudNativePg);

    Condition notFound =
        fixture.awaitCondition(
            "demo", ConditionTypes.BACKEND_READY, "False", ConditionReasons.CNPG_CLUSTER_NOT_FOUND);
    assertThat(notFound.getMessage()).contains(PG).contains(NS);
    fixture.awaitCondition(
        "demo", ConditionTypes.DEGRADED, "True", ConditionReasons.CNPG_CLUSTER_NOT_FOUND);

    writeReadyCluster();
    Condition noSecret =
        fixture.awaitCondition(
            "demo", ConditionTypes.BACKEND_READY, "False", ConditionReasons.CNPG_SECRET_MISSING);
    assertThat(noSecret.getMessage()).contains(APP_SECRET);

    writeAppSecret(Map.of("uri", "postgresql://app:s3cret@pg-rw.jobs:5432/app"));
    fixture.awaitCondition(
        "demo", ConditionTypes.BACKEND_READY, "True", ConditionReasons.CNPG_CLUSTER_READY);
    fixture.awaitCondition("demo", ConditionTypes.DEGRADED, "False", ConditionReasons.AS_EXPECTED);
  }
}
