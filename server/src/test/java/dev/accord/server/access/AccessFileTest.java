package dev.accord.server.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A wrong access file is refused naming the file, the line and the field. */
class AccessFileTest {
  private static AccessFile.Rules parse(String yaml) {
    return AccessFile.parse(yaml.getBytes(StandardCharsets.UTF_8), "/etc/accord/access.yaml");
  }

  private static void assertRefused(String yaml, String... expected) {
    assertThatThrownBy(() -> parse(yaml))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("ACCORD_ACCESS_FILE /etc/accord/access.yaml: ")
        .satisfies(
            e -> {
              for (String part : expected) {
                assertThat(e.getMessage()).contains(part);
              }
            });
  }

  @Test
  void theDesignsExampleIsRead() {
    AccessFile.Rules rules =
        parse(
            """
            rules:
              - principals: ["system:serviceaccount:jobs:worker", "group:batch-workers"]
                namespaces: ["reports", "reports-*"]    # a trailing * is a prefix
                role: worker
              - principals: ["group:system:serviceaccounts"]
                namespaces: ["${namespace}", "${namespace}/*"]
                role: admin
            """);

    assertThat(rules.rules()).hasSize(2);
    assertThat(rules.rules().get(0).role()).isEqualTo(AccessRole.WORKER);
    assertThat(rules.rules().get(0).principals())
        .containsExactlyInAnyOrder("system:serviceaccount:jobs:worker", "group:batch-workers");
    assertThat(rules.rules().get(1).namespaces())
        .extracting(NamespacePattern::text)
        .containsExactly("${namespace}", "${namespace}/*");
    assertThat(parse("rules: []").rules()).isEmpty();
  }

  @Test
  void anUnknownRoleIsRefusedWithItsLineAndField() {
    assertRefused(
        """
        rules:
          - principals: [alice]
            namespaces: [a]
            role: worker
          - principals: [bob]
            namespaces: [b]
            role: owner
        """,
        "line 7",
        "rules[1].role",
        "worker, reader or admin",
        "\"owner\"");
  }

  @Test
  void aStarAnywhereButTheEndIsRefused() {
    assertRefused(
        "rules: [{principals: [alice], namespaces: [ok, 're*ports'], role: worker}]",
        "line 1",
        "rules[0].namespaces[1]",
        "only at the end");
  }

  @Test
  void anUnknownVariableIsRefused() {
    assertRefused(
        "rules: [{principals: [alice], namespaces: ['${team}'], role: worker}]",
        "rules[0].namespaces[0]",
        "${namespace}");
  }

  @Test
  void missingAndMisspeltKeysAreRefusedRatherThanIgnored() {
    assertRefused("rules: [{principals: [alice], role: worker}]", "rules[0].namespaces", "missing");
    assertRefused("rules: [{namespaces: [a], role: worker}]", "rules[0].principals", "missing");
    assertRefused("rules: [{principals: [alice], namespaces: [a]}]", "rules[0].role", "missing");
    assertRefused(
        "rules: [{principals: [alice], namespace: [a], role: worker}]",
        "rules[0].namespace",
        "unknown key");
    assertRefused("rule: []", "rule", "unknown key");
    assertRefused("", "rules", "missing");
  }

  @Test
  void wrongShapesAreRefused() {
    assertRefused("rules: {}", "rules", "must be a list");
    assertRefused(
        "rules: [{principals: [], namespaces: [a], role: worker}]", "rules[0].principals");
    assertRefused("rules: [{principals: alice, namespaces: [a], role: worker}]", "principals");
    assertRefused("rules: [{principals: ['group:'], namespaces: [a], role: worker}]", "group:NAME");
    assertRefused("rules: [{principals: [alice], namespaces: [''], role: worker}]", "empty");
    assertRefused("rules: [[1, 2]]", "rules[0]", "mapping");
    assertRefused("rules: [ {principals: [alice", "not valid YAML");
  }
}
