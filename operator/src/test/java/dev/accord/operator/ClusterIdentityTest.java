package dev.accord.operator;

import static dev.accord.operator.ClusterFixture.env;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.accord.crd.v1alpha1.AccessRule;
import dev.accord.crd.v1alpha1.AccordCluster;
import dev.accord.crd.v1alpha1.ConditionTypes;
import dev.accord.crd.v1alpha1.ServiceAccountRef;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who may call a cluster's servers: their ServiceAccount and its right to ask for TokenReviews, the
 * access rules rendered from spec.access, and what the server Deployment is told.
 */
@EnableKubernetesMockClient(crud = true)
class ClusterIdentityTest {
  static final KubernetesSerialization YAML = new KubernetesSerialization();
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

  ClusterRoleBinding binding(String cluster) {
    return client.rbac().clusterRoleBindings().withName("accord:jobs:" + cluster + "-server").get();
  }

  /** The access file's rules, as the servers will parse them. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> rules(ConfigMap access) {
    assertThat(access.getData()).containsOnlyKeys("access.yaml");
    Map<String, Object> file = YAML.unmarshal(access.getData().get("access.yaml"), Map.class);
    return (List<Map<String, Object>>) file.get("rules");
  }

  /**
   * Replaces spec.access with a JSON patch: the mock API server's merge patch appends to arrays
   * where a real one replaces them.
   */
  void replaceAccess(List<AccessRule> access) {
    client
        .resources(AccordCluster.class)
        .inNamespace(ClusterFixture.NS)
        .withName("demo")
        .patch(
            PatchContext.of(PatchType.JSON),
            Serialization.asJson(
                List.of(Map.of("op", "replace", "path", "/spec/access", "value", access))));
  }

  static AccessRule rule(String role, List<String> namespaces, String... accounts) {
    AccessRule rule = new AccessRule();
    List<ServiceAccountRef> refs = new java.util.ArrayList<>();
    for (String account : accounts) {
      ServiceAccountRef ref = new ServiceAccountRef();
      ref.setNamespace(account.split("/")[0]);
      ref.setName(account.split("/")[1]);
      refs.add(ref);
    }
    rule.setServiceAccounts(refs);
    rule.setNamespaces(namespaces);
    rule.setRole(role);
    return rule;
  }

  @Test
  void theServersRunAsTheirOwnAccountAllowedToReviewTokens() {
    fixture.create("demo", spec -> {});

    ServiceAccount account = fixture.await(ServiceAccount.class, "demo-server");
    assertThat(account.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getName()).isEqualTo("demo"));
    ClusterRoleBinding binding =
        ClusterFixture.awaitThat(() -> binding("demo"), "ClusterRoleBinding of demo");
    assertThat(binding.getRoleRef().getKind()).isEqualTo("ClusterRole");
    assertThat(binding.getRoleRef().getName())
        .as("the built-in role granting tokenreviews create")
        .isEqualTo("system:auth-delegator");
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getKind()).isEqualTo("ServiceAccount");
              assertThat(s.getName()).isEqualTo("demo-server");
              assertThat(s.getNamespace()).isEqualTo("jobs");
            });

    Deployment deployment =
        await()
            .atMost(ClusterFixture.WAIT)
            .until(() -> fixture.deployment("demo"), d -> env(d).containsKey("ACCORD_AUTH"));
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    assertThat(pod.getServiceAccountName()).isEqualTo("demo-server");
    assertThat(pod.getAutomountServiceAccountToken())
        .as("the servers need their token to call the TokenReview API")
        .isTrue();
    assertThat(env(deployment).get("ACCORD_AUTH").getValue()).isEqualTo("kubernetes");
    assertThat(env(deployment).get("ACCORD_ACCESS_FILE").getValue())
        .isEqualTo("/etc/accord/access/access.yaml");
    assertThat(pod.getVolumes())
        .anySatisfy(
            v -> {
              assertThat(v.getName()).isEqualTo("access");
              assertThat(v.getConfigMap().getName()).isEqualTo("demo-access");
            });
    assertThat(pod.getContainers().get(0).getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getName()).isEqualTo("access");
              assertThat(m.getMountPath()).isEqualTo("/etc/accord/access");
              assertThat(m.getSubPath()).as("subPath mounts never see updates").isNull();
            });
  }

  @Test
  void withoutSpecAccessEveryServiceAccountWorksInItsOwnNamespaceOnly() {
    fixture.create("demo", spec -> {});

    ConfigMap access = fixture.await(ConfigMap.class, "demo-access");

    assertThat(rules(access))
        .containsExactly(
            Map.of(
                "principals", List.of("group:system:serviceaccounts"),
                "namespaces", List.of("${namespace}", "${namespace}/*"),
                "role", "worker"));
  }

  @Test
  void specAccessIsRenderedAndItsChangesFollow() {
    fixture.create(
        "demo",
        spec ->
            spec.setAccess(
                List.of(rule("worker", List.of("reports", "reports-*"), "jobs/worker"))));

    ConfigMap first = fixture.await(ConfigMap.class, "demo-access");
    assertThat(rules(first))
        .containsExactly(
            Map.of(
                "principals", List.of("system:serviceaccount:jobs:worker"),
                "namespaces", List.of("reports", "reports-*"),
                "role", "worker"));

    AccessRule readers = new AccessRule();
    readers.setGroups(List.of("auditors"));
    readers.setNamespaces(List.of("*"));
    readers.setRole("reader");
    replaceAccess(List.of(rule("admin", List.of("*"), "ops/admin", "ops/cron"), readers));

    ConfigMap changed =
        await()
            .atMost(ClusterFixture.WAIT)
            .until(
                () -> fixture.get(ConfigMap.class, "demo-access"),
                c -> !c.getData().equals(first.getData()));
    assertThat(rules(changed))
        .containsExactly(
            Map.of(
                "principals",
                List.of("system:serviceaccount:ops:admin", "system:serviceaccount:ops:cron"),
                "namespaces",
                List.of("*"),
                "role",
                "admin"),
            Map.of(
                "principals",
                List.of("group:auditors"),
                "namespaces",
                List.of("*"),
                "role",
                "reader"));
  }

  @Test
  void anUnusableRuleIsReportedByFieldAndTheLastGoodRulesStay() {
    fixture.create(
        "demo", spec -> spec.setAccess(List.of(rule("worker", List.of("reports"), "jobs/worker"))));
    ConfigMap good = fixture.await(ConfigMap.class, "demo-access");
    fixture.awaitCondition("demo", ConditionTypes.DEGRADED, "False", ConditionReasons.AS_EXPECTED);

    replaceAccess(List.of(rule("owner", List.of("reports"), "jobs/worker")));

    var degraded =
        fixture.awaitCondition(
            "demo", ConditionTypes.DEGRADED, "True", ConditionReasons.INVALID_ACCESS);
    assertThat(degraded.getMessage())
        .isEqualTo(
            "spec.access[0].role: must be worker, reader or admin, got owner; the servers keep"
                + " the last good rules");
    assertThat(fixture.get(ConfigMap.class, "demo-access").getData()).isEqualTo(good.getData());
  }

  @Test
  void turningAuthAndTlsOffTakesTheirSettingsAndObjectsAway() {
    fixture.create("demo", spec -> {});
    fixture.await(ConfigMap.class, "demo-access");
    ClusterFixture.awaitThat(() -> binding("demo"), "ClusterRoleBinding of demo");
    await()
        .atMost(ClusterFixture.WAIT)
        .until(
            () -> fixture.deployment("demo"),
            d -> env(d).containsKey("ACCORD_AUTH") && env(d).containsKey("ACCORD_TLS_CERT_FILE"));

    fixture.edit(
        "demo",
        spec -> {
          spec.getAuth().setEnabled(false);
          spec.getTls().setEnabled(false);
        });

    Deployment plain =
        await()
            .atMost(ClusterFixture.WAIT)
            .until(
                () -> fixture.deployment("demo"),
                d ->
                    !env(d).containsKey("ACCORD_AUTH")
                        && !env(d).containsKey("ACCORD_TLS_CERT_FILE"));
    assertThat(env(plain))
        .doesNotContainKeys(
            "ACCORD_ACCESS_FILE", "ACCORD_TLS_KEY_FILE", "ACCORD_AUTH", "ACCORD_HEALTH_LISTEN");
    PodSpec pod = plain.getSpec().getTemplate().getSpec();
    assertThat(pod.getContainers().get(0).getReadinessProbe().getGrpc().getPort())
        .as("a plaintext gRPC port answers the probes itself")
        .isEqualTo(7475);
    assertThat(pod.getContainers().get(0).getPorts())
        .extracting(p -> p.getName())
        .containsExactly("grpc", "http-metrics");
    assertThat(pod.getVolumes()).extracting(v -> v.getName()).containsExactly("tmp");
    assertThat(pod.getContainers().get(0).getVolumeMounts())
        .extracting(m -> m.getName())
        .containsExactly("tmp");
    assertThat(pod.getAutomountServiceAccountToken())
        .as("no token in pods that call no API")
        .isFalse();
    await().atMost(ClusterFixture.WAIT).until(() -> binding("demo") == null);
    await()
        .atMost(ClusterFixture.WAIT)
        .until(() -> fixture.get(ConfigMap.class, "demo-access") == null);
  }

  @Test
  void deletingTheClusterDeletesTheClusterScopedBinding() {
    fixture.create("demo", spec -> {});
    ClusterFixture.awaitThat(() -> binding("demo"), "ClusterRoleBinding of demo");
    await()
        .atMost(ClusterFixture.WAIT)
        .until(() -> fixture.fetch("demo").getMetadata().getFinalizers(), f -> !f.isEmpty());
    fixture.create("other", spec -> {});
    ClusterFixture.awaitThat(() -> binding("other"), "ClusterRoleBinding of other");

    client.resources(AccordCluster.class).inNamespace("jobs").withName("demo").delete();

    await().atMost(ClusterFixture.WAIT).until(() -> fixture.fetch("demo") == null);
    assertThat(binding("demo")).isNull();
    assertThat(binding("other")).as("another cluster's binding stays").isNotNull();
  }
}
