package dev.accord.server.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accord.server.backend.NamespaceScope;
import dev.accord.server.security.Caller;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the rules allow: patterns, {@code ${namespace}}, principals and roles. */
class AccessPolicyTest {
  private static final Caller WORKER = new Caller("system:serviceaccount:jobs:worker", Set.of());
  private static final Caller BATCH = new Caller("carol", Set.of("batch-workers"));
  private static final Caller STRANGER = new Caller("mallory", Set.of("nobody"));

  private static AccessPolicy policy(String yaml) {
    return AccessPolicy.of(AccessFile.parse(yaml.getBytes(StandardCharsets.UTF_8), "test.yaml"));
  }

  private static final AccessPolicy RULES =
      policy(
          """
          rules:
            - principals: ["system:serviceaccount:jobs:worker", "group:batch-workers"]
              namespaces: ["reports", "reports-*"]
              role: worker
            - principals: ["group:system:serviceaccounts"]
              namespaces: ["${namespace}", "${namespace}/*"]
              role: worker
            - principals: ["auditor"]
              namespaces: ["*"]
              role: reader
            - principals: ["root"]
              namespaces: ["*"]
              role: admin
          """);

  @Test
  void anExactPatternMatchesOnlyThatNamespaceAndATrailingStarIsAPrefix() {
    assertThat(RULES.allows(WORKER, "reports", AccessRole.WORKER)).isTrue();
    assertThat(RULES.allows(WORKER, "reports-2026", AccessRole.WORKER)).isTrue();
    assertThat(RULES.allows(WORKER, "reports-", AccessRole.WORKER)).isTrue();
    assertThat(RULES.allows(WORKER, "reportsx", AccessRole.WORKER)).isFalse();
    assertThat(RULES.allows(WORKER, "report", AccessRole.WORKER)).isFalse();
    assertThat(RULES.allows(WORKER, "billing", AccessRole.WORKER)).isFalse();
  }

  @Test
  void aGroupPrincipalMatchesEveryMemberOfTheGroup() {
    assertThat(RULES.allows(BATCH, "reports-1", AccessRole.WORKER)).isTrue();
    assertThat(RULES.allows(new Caller("batch-workers", Set.of()), "reports", AccessRole.READER))
        .as("a name is not a group")
        .isFalse();
  }

  @Test
  void callerNamespaceExpandsToTheServiceAccountsKubernetesNamespace() {
    Caller jobs = new Caller("system:serviceaccount:jobs:runner", Set.of("system:serviceaccounts"));
    Caller notAnAccount = new Caller("jobs", Set.of("system:serviceaccounts"));

    assertThat(RULES.allows(jobs, "jobs", AccessRole.WORKER)).isTrue();
    assertThat(RULES.allows(jobs, "jobs/nightly", AccessRole.WORKER)).isTrue();
    assertThat(RULES.allows(jobs, "jobsx", AccessRole.WORKER)).isFalse();
    assertThat(RULES.allows(jobs, "other", AccessRole.READER)).isFalse();
    assertThat(RULES.allows(notAnAccount, "jobs", AccessRole.READER))
        .as("${namespace} matches nothing for a caller that is not a ServiceAccount")
        .isFalse();
    assertThat(RULES.allows(notAnAccount, "${namespace}", AccessRole.READER)).isFalse();
  }

  @Test
  void eachRoleIncludesTheOnesBelowIt() {
    Caller auditor = new Caller("auditor", Set.of());
    Caller root = new Caller("root", Set.of());

    assertThat(RULES.allows(auditor, "anything", AccessRole.READER)).isTrue();
    assertThat(RULES.allows(auditor, "anything", AccessRole.WORKER)).isFalse();
    assertThat(RULES.allows(WORKER, "reports", AccessRole.READER)).isTrue();
    assertThat(RULES.allows(WORKER, "reports", AccessRole.ADMIN)).isFalse();
    assertThat(RULES.allows(root, "anything", AccessRole.ADMIN)).isTrue();
    assertThat(RULES.allows(root, "anything", AccessRole.WORKER)).isTrue();
  }

  @Test
  void aCallerNoRuleNamesMayDoNothingAndTheRefusalNamesNamespaceAndRole() {
    assertThat(RULES.allows(STRANGER, "reports", AccessRole.READER)).isFalse();
    assertThat(RULES.scope(STRANGER, AccessRole.READER).isEmpty()).isTrue();
    assertThatThrownBy(() -> RULES.require(STRANGER, "reports", AccessRole.WORKER))
        .isInstanceOf(AccessDeniedException.class)
        .hasMessageContaining("\"reports\"")
        .hasMessageContaining("worker");
    assertThatThrownBy(() -> RULES.require(null, "reports", AccessRole.READER))
        .isInstanceOf(AccessDeniedException.class)
        .hasMessageContaining("no authenticated caller");
  }

  @Test
  void theReadableScopeIsEveryPatternOfEveryRuleThatGivesTheRole() {
    Caller jobs = new Caller("system:serviceaccount:jobs:worker", Set.of("system:serviceaccounts"));

    assertThat(RULES.scope(jobs, AccessRole.READER))
        .isEqualTo(NamespaceScope.of(Set.of("reports", "jobs"), Set.of("reports-", "jobs/")));
    assertThat(RULES.scope(new Caller("auditor", Set.of()), AccessRole.READER))
        .isEqualTo(NamespaceScope.EVERYTHING);
    assertThat(RULES.scope(new Caller("auditor", Set.of()), AccessRole.WORKER).isEmpty()).isTrue();
  }

  @Test
  void replacedRulesApplyToTheNextDecision() {
    AccessPolicy policy = policy("rules: [{principals: [alice], namespaces: [a], role: worker}]");
    assertThat(policy.allows(new Caller("alice", Set.of()), "a", AccessRole.WORKER)).isTrue();

    policy.replace(
        AccessFile.parse(
            "rules: [{principals: [alice], namespaces: [b], role: reader}]"
                .getBytes(StandardCharsets.UTF_8),
            "test.yaml"));

    assertThat(policy.allows(new Caller("alice", Set.of()), "a", AccessRole.READER)).isFalse();
    assertThat(policy.allows(new Caller("alice", Set.of()), "b", AccessRole.READER)).isTrue();
    assertThat(policy.allows(new Caller("alice", Set.of()), "b", AccessRole.WORKER)).isFalse();
  }
}
