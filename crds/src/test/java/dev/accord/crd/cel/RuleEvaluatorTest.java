package dev.accord.crd.cel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.accord.crd.cel.RuleEvaluator.Outcome;
import dev.accord.crd.cel.RuleEvaluator.Violation;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** How the evaluator binds values and runs rules, on a schema made for it. */
class RuleEvaluatorTest {

  private static final String SCHEMA =
      """
      type: object
      properties:
        spec:
          type: object
          properties:
            big:
              type: integer
              x-kubernetes-validations:
              - rule: "type(self) == int && self > 2147483647"
                message: "an int64 above int32"
            ratio:
              type: number
              x-kubernetes-validations:
              - rule: "type(self) == double"
                message: "a double"
            size:
              x-kubernetes-int-or-string: true
              x-kubernetes-validations:
              - rule: "type(self) == string || self > 0"
                message: "positive or a quantity"
            defaulted:
              type: integer
              default: 5
              x-kubernetes-validations:
              - rule: "self == 5"
                message: "the default"
            labels:
              type: object
              additionalProperties:
                type: string
                x-kubernetes-validations:
                - rule: "size(self) <= 3"
                  messageExpression: "'too long: ' + self"
            frozen:
              type: string
              x-kubernetes-validations:
              - rule: "self == oldSelf"
                message: "frozen is immutable"
            steps:
              type: array
              x-kubernetes-list-type: map
              x-kubernetes-list-map-keys: ["name"]
              items:
                type: object
                required: ["name"]
                properties:
                  name:
                    type: string
                  value:
                    type: integer
                x-kubernetes-validations:
                - rule: "!has(oldSelf.value) || self.value >= oldSelf.value"
                  message: "a step's value only grows"
      """;

  private static final YAMLMapper YAML = new YAMLMapper();
  private static List<DeclaredRule> rules;
  private static RuleEvaluator evaluator;

  @BeforeAll
  static void compile() {
    JSONSchemaProps root = new KubernetesSerialization().unmarshal(SCHEMA, JSONSchemaProps.class);
    rules = SchemaRules.find(root);
    evaluator = new RuleEvaluator(root, "test.Root", rules);
  }

  @Test
  void findsEveryRuleWithItsPath() {
    assertThat(rules)
        .extracting(DeclaredRule::path)
        .containsExactly(
            "spec.big",
            "spec.ratio",
            "spec.size",
            "spec.defaulted",
            "spec.labels.*",
            "spec.frozen",
            "spec.steps[*]");
    assertThat(evaluator.compileErrors()).isEmpty();
  }

  @Test
  void integersAreInt64NumbersDoublesAndDefaultsApplied() {
    Outcome outcome = evaluator.evaluate(document("{big: 3000000000, ratio: 1, size: 2}"), null);
    assertThat(outcome.violations()).isEmpty();
    assertThat(outcome.held())
        .extracting(DeclaredRule::path)
        .containsExactlyInAnyOrder("spec.big", "spec.ratio", "spec.size", "spec.defaulted");
  }

  @Test
  void intOrStringIsBoundAsWhatItIs() {
    assertThat(evaluator.evaluate(document("{size: 1Gi}"), null).violations()).isEmpty();
    assertThat(evaluator.evaluate(document("{size: 0}"), null).violations())
        .extracting(Violation::message)
        .containsExactly("positive or a quantity");
  }

  @Test
  void aMapRuleRunsOnEveryValueAndItsMessageExpressionIsEvaluated() {
    assertThat(evaluator.evaluate(document("{labels: {a: x, b: long}}"), null).violations())
        .extracting(Violation::instancePath, Violation::message)
        .containsExactly(tuple("spec.labels.b", "too long: long"));
  }

  @Test
  void aTransitionRuleRunsOnUpdatesOnly() {
    Outcome create = evaluator.evaluate(document("{frozen: a}"), null);
    assertThat(create.violations()).isEmpty();
    assertThat(create.held()).extracting(DeclaredRule::path).doesNotContain("spec.frozen");
    assertThat(evaluator.evaluate(document("{frozen: a}"), document("{frozen: a}")).violations())
        .isEmpty();
    assertThat(evaluator.evaluate(document("{frozen: b}"), document("{frozen: a}")).violations())
        .extracting(Violation::instancePath, Violation::message)
        .containsExactly(tuple("spec.frozen", "frozen is immutable"));
  }

  @Test
  void listMapItemsCorrelateWithTheirOldItemByKey() {
    JsonNode old = document("{steps: [{name: a, value: 1}, {name: b, value: 5}]}");
    assertThat(
            evaluator
                .evaluate(document("{steps: [{name: b, value: 6}, {name: a, value: 1}]}"), old)
                .violations())
        .isEmpty();
    assertThat(
            evaluator
                .evaluate(document("{steps: [{name: b, value: 4}, {name: c, value: 0}]}"), old)
                .violations())
        .extracting(Violation::instancePath, Violation::message)
        .containsExactly(tuple("spec.steps[0]", "a step's value only grows"));
  }

  private static JsonNode document(String specYaml) {
    try {
      return YAML.readTree(
          "apiVersion: test/v1\nkind: Root\nmetadata: {name: t}\nspec: " + specYaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
