package dev.accord.operator;

import static dev.accord.operator.Manifests.NAMESPACE;
import static dev.accord.operator.Manifests.OPERATOR;
import static dev.accord.operator.Manifests.allResources;
import static dev.accord.operator.Manifests.name;
import static dev.accord.operator.Manifests.ofKind;
import static dev.accord.operator.Manifests.single;
import static org.assertj.core.api.Assertions.assertThat;

import dev.accord.operator.security.CertManagerCertificate;
import dev.accord.operator.security.TokenReviewBinding;
import dev.accord.operator.webhook.CaBundleSync;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The operator's RBAC in {@code manifests/} is exactly what it needs, so that drift is caught here
 * and not in a cluster.
 */
@EnableKubernetesMockClient(crud = true)
class OperatorRbacManifestTest {
  static final List<String> RW =
      List.of("get", "list", "watch", "create", "update", "patch", "delete");

  /**
   * The operator's ClusterRole, exactly: "apiGroup/resource" → verbs ("" is the core group); a rule
   * limited to some objects by resourceNames is "apiGroup/resource[name,...]".
   */
  static final Map<String, Set<String>> EXPECTED_CLUSTER_RULES = expectedClusterRules();

  static Map<String, Set<String>> expectedClusterRules() {
    Map<String, Set<String>> rules = new TreeMap<>();
    rules.put(
        "accord.dev/accordclusters",
        new TreeSet<>(List.of("get", "list", "watch", "patch", "update")));
    rules.put("accord.dev/accordclusters/status", new TreeSet<>(List.of("get", "patch", "update")));
    rules.put("accord.dev/accordclusters/finalizers", new TreeSet<>(List.of("update")));
    for (String r :
        List.of(
            "apps/deployments",
            "apps/statefulsets",
            "/services",
            "/secrets",
            "/serviceaccounts",
            "/configmaps",
            "networking.k8s.io/networkpolicies",
            "policy/poddisruptionbudgets")) {
      rules.put(r, new TreeSet<>(RW));
    }
    // The pod webhook: read and set the caBundle of its own configuration, and no other.
    rules.put(
        "admissionregistration.k8s.io/mutatingwebhookconfigurations["
            + CaBundleSync.CONFIGURATION
            + "]",
        new TreeSet<>(List.of("get", "patch")));
    // Each cluster's servers may create TokenReviews: a ClusterRoleBinding to this one ClusterRole.
    rules.put(
        "rbac.authorization.k8s.io/clusterrolebindings",
        new TreeSet<>(List.of("get", "create", "update", "patch", "delete")));
    rules.put(
        "rbac.authorization.k8s.io/clusterroles[" + TokenReviewBinding.CLUSTER_ROLE + "]",
        new TreeSet<>(List.of("bind")));
    // spec.tls.issuerRef: a cert-manager Certificate, once cert-manager's CRD is seen to exist.
    rules.put(
        "cert-manager.io/certificates", new TreeSet<>(List.of("get", "create", "update", "patch")));
    // spec.postgres.cloudNativePG: the Clusters watched (read only), once their CRD is seen to
    // exist.
    rules.put(
        CloudNativePgCluster.GROUP + "/clusters", new TreeSet<>(List.of("get", "list", "watch")));
    rules.put(
        "apiextensions.k8s.io/customresourcedefinitions["
            + CertManagerCertificate.CRD
            + ","
            + CloudNativePgCluster.CRD
            + "]",
        new TreeSet<>(List.of("get")));
    return rules;
  }

  /** The leader-election Role in accord-system, exactly. */
  static final Map<String, Set<String>> EXPECTED_LEADER_ELECTION_RULES =
      Map.of(
          "coordination.k8s.io/leases",
          new TreeSet<>(List.of("get", "list", "watch", "create", "update", "patch")));

  /** Injected by the mock server extension (a fresh CRUD server for each test). */
  KubernetesClient client;

  @Test
  void declaredRbacIsExactlyWhatTheOperatorNeeds() throws IOException {
    assertOperatorRbac(allResources(client), "the manifests");
  }

  static void assertOperatorRbac(List<HasMetadata> items, String source) {
    ClusterRole clusterRole = single(items, ClusterRole.class, OPERATOR, source);
    assertThat(clusterRole.getAggregationRule())
        .as("%s: ClusterRole %s aggregationRule", source, OPERATOR)
        .isNull();
    assertThat(rulesOf(clusterRole.getRules(), "ClusterRole " + OPERATOR))
        .as(
            "%s: rules of ClusterRole %s (\"group/resource\" → verbs; change the test and the operator's "
                + "needs together)",
            source, OPERATOR)
        .containsExactlyInAnyOrderEntriesOf(EXPECTED_CLUSTER_RULES);

    ClusterRoleBinding clusterBinding = single(items, ClusterRoleBinding.class, OPERATOR, source);
    assertRoleRef(
        clusterBinding.getRoleRef(), "ClusterRole", OPERATOR, source + ": ClusterRoleBinding");
    assertOnlySubjectIsTheOperator(
        clusterBinding.getSubjects(), source + ": ClusterRoleBinding " + OPERATOR);

    List<Role> roles = ofKind(items, Role.class);
    assertThat(roles).as("%s: Roles", source).hasSize(1);
    Role role = roles.get(0);
    assertThat(role.getMetadata().getNamespace())
        .as("%s: namespace of Role %s", source, name(role))
        .isEqualTo(NAMESPACE);
    assertThat(rulesOf(role.getRules(), "Role " + name(role)))
        .as("%s: rules of the leader-election Role %s", source, name(role))
        .containsExactlyInAnyOrderEntriesOf(EXPECTED_LEADER_ELECTION_RULES);

    List<RoleBinding> bindings = ofKind(items, RoleBinding.class);
    assertThat(bindings).as("%s: RoleBindings", source).hasSize(1);
    RoleBinding binding = bindings.get(0);
    assertThat(binding.getMetadata().getNamespace())
        .as("%s: namespace of RoleBinding %s", source, name(binding))
        .isEqualTo(NAMESPACE);
    assertRoleRef(
        binding.getRoleRef(), "Role", role.getMetadata().getName(), source + ": RoleBinding");
    assertOnlySubjectIsTheOperator(
        binding.getSubjects(), source + ": RoleBinding " + name(binding));

    ServiceAccount account = single(items, ServiceAccount.class, OPERATOR, source);
    assertThat(account.getMetadata().getNamespace())
        .as("%s: namespace of ServiceAccount %s", source, OPERATOR)
        .isEqualTo(NAMESPACE);
    assertThat(ofKind(items, ClusterRole.class))
        .as("%s: ClusterRoles (only the operator's)", source)
        .hasSize(1);
    assertThat(ofKind(items, ClusterRoleBinding.class))
        .as("%s: ClusterRoleBindings (only the operator's)", source)
        .hasSize(1);
  }

  /**
   * Rules flattened to "group/resource" → verbs, or "group/resource[name,...]" for a rule with
   * resourceNames; no wildcards or non-resource URLs allowed. A rule with resourceNames may not
   * grant verbs that resourceNames cannot restrict (create, deletecollection) or that only work by
   * name with a field selector (list, watch): such a rule would grant more than it seems to.
   */
  static Map<String, Set<String>> rulesOf(List<PolicyRule> rules, String what) {
    Map<String, Set<String>> flat = new TreeMap<>();
    for (PolicyRule rule : rules) {
      assertThat(rule.getNonResourceURLs())
          .as("%s: nonResourceURLs in rule %s", what, rule)
          .isNullOrEmpty();
      assertThat(rule.getApiGroups())
          .as("%s: apiGroups of rule %s", what, rule)
          .isNotEmpty()
          .doesNotContain("*");
      assertThat(rule.getResources())
          .as("%s: resources of rule %s", what, rule)
          .isNotEmpty()
          .doesNotContain("*");
      assertThat(rule.getVerbs())
          .as("%s: verbs of rule %s", what, rule)
          .isNotEmpty()
          .doesNotContain("*");
      String names = "";
      if (rule.getResourceNames() != null && !rule.getResourceNames().isEmpty()) {
        assertThat(rule.getResourceNames())
            .as("%s: resourceNames of rule %s", what, rule)
            .doesNotContain("*", "");
        assertThat(rule.getVerbs())
            .as(
                "%s: verbs of rule %s, which has resourceNames (they cannot limit these verbs)",
                what, rule)
            .doesNotContain("create", "deletecollection", "list", "watch");
        names = "[" + String.join(",", new TreeSet<>(rule.getResourceNames())) + "]";
      }
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          flat.computeIfAbsent(group + "/" + resource + names, k -> new TreeSet<>())
              .addAll(rule.getVerbs());
        }
      }
    }
    return flat;
  }

  static void assertRoleRef(RoleRef ref, String kind, String name, String what) {
    assertThat(ref).as("%s roleRef", what).isNotNull();
    assertThat(ref.getApiGroup())
        .as("%s roleRef.apiGroup", what)
        .isEqualTo("rbac.authorization.k8s.io");
    assertThat(ref.getKind()).as("%s roleRef.kind", what).isEqualTo(kind);
    assertThat(ref.getName()).as("%s roleRef.name", what).isEqualTo(name);
  }

  static void assertOnlySubjectIsTheOperator(List<Subject> subjects, String what) {
    assertThat(subjects).as("%s subjects", what).hasSize(1);
    Subject subject = subjects.get(0);
    assertThat(subject.getKind()).as("%s subject kind", what).isEqualTo("ServiceAccount");
    assertThat(subject.getName()).as("%s subject name", what).isEqualTo(OPERATOR);
    assertThat(subject.getNamespace()).as("%s subject namespace", what).isEqualTo(NAMESPACE);
  }
}
