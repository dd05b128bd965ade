package dev.accord.operator.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accord.crd.v1alpha1.AccessRule;
import dev.accord.crd.v1alpha1.ServiceAccountRef;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** spec.access rendered into the servers' access file, read back as YAML. */
class AccessFileTest {
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> rules(String yaml) {
    Map<String, Object> file = new KubernetesSerialization().unmarshal(yaml, Map.class);
    assertThat(file).containsOnlyKeys("rules");
    return (List<Map<String, Object>>) file.get("rules");
  }

  static AccessRule rule(
      List<ServiceAccountRef> accounts, List<String> groups, List<String> namespaces, String role) {
    AccessRule rule = new AccessRule();
    rule.setServiceAccounts(accounts);
    rule.setGroups(groups);
    rule.setNamespaces(namespaces);
    rule.setRole(role);
    return rule;
  }

  @Test
  void withoutRulesEveryServiceAccountWorksOnItsOwnNamespace() {
    assertThat(rules(AccessFile.render(null)))
        .containsExactly(
            Map.of(
                "principals", List.of("group:system:serviceaccounts"),
                "namespaces", List.of("${namespace}", "${namespace}/*"),
                "role", "worker"));
    assertThat(AccessFile.render(List.of())).isEqualTo(AccessFile.render(null));
  }

  @Test
  void serviceAccountsAndGroupsBecomePrincipals() {
    String yaml =
        AccessFile.render(
            List.of(
                rule(
                    List.of(new ServiceAccountRef("jobs", "worker")),
                    List.of("batch-workers"),
                    List.of("reports", "reports-*"),
                    "worker"),
                rule(null, List.of("system:serviceaccounts:audit"), List.of("*"), "reader")));

    assertThat(rules(yaml))
        .containsExactly(
            Map.of(
                "principals",
                List.of("system:serviceaccount:jobs:worker", "group:batch-workers"),
                "namespaces",
                List.of("reports", "reports-*"),
                "role",
                "worker"),
            Map.of(
                "principals",
                List.of("group:system:serviceaccounts:audit"),
                "namespaces",
                List.of("*"),
                "role",
                "reader"));
  }

  @Test
  void anUnusableRuleNamesItsField() {
    assertThatThrownBy(
            () ->
                AccessFile.render(
                    List.of(
                        rule(null, List.of("g"), List.of("a"), "worker"),
                        rule(null, List.of("g"), List.of("ok", "re*ports"), "worker"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("spec.access[1].namespaces[1]: ");
    assertThatThrownBy(
            () -> AccessFile.render(List.of(rule(List.of(), List.of(), List.of("a"), "worker"))))
        .hasMessageStartingWith("spec.access[0]: needs serviceAccounts or groups");
    assertThatThrownBy(
            () -> AccessFile.render(List.of(rule(null, List.of("g"), List.of("a"), "owner"))))
        .hasMessageStartingWith("spec.access[0].role: ");
  }
}
