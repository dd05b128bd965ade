package dev.accord.crd.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.accord.crd.cel.DeclaredRule;
import dev.accord.crd.cel.RuleEvaluator;
import dev.accord.crd.cel.RuleEvaluator.Outcome;
import dev.accord.crd.cel.RuleEvaluator.Violation;
import dev.accord.crd.cel.SchemaRules;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The generated CRD's x-kubernetes-validations rules run with cel-java, not only parsed: every
 * sample under manifests/samples passes every rule, and each bad spec below fails exactly the rule
 * it targets, with that rule's message. Every rule of the CRD needs a bad spec, so a new rule
 * without one fails {@link #everyRuleHasABadSpecAndEveryBadSpecARule()}.
 */
class CelRulesTest {

  /** A spec the API server must refuse through one rule, named by its path and its message. */
  record BadSpec(
      String name, String rulePath, String message, String instancePath, String specYaml) {
    String ruleKey() {
      return rulePath + " | " + message;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private static final String POSTGRES_RULE_MESSAGE =
      "set exactly one of postgres.external, postgres.managed or postgres.cloudNativePG";
  private static final String ACCESS_RULE_MESSAGE =
      "a rule needs at least one of serviceAccounts or groups";

  static final List<BadSpec> BAD_SPECS =
      List.of(
          new BadSpec(
              "postgres with both backends",
              "spec.postgres",
              POSTGRES_RULE_MESSAGE,
              "spec.postgres",
              """
              postgres:
                external:
                  secretName: accord-postgres
                managed:
                  storageSize: 1Gi
              """),
          new BadSpec(
              "postgres with external and cloudNativePG",
              "spec.postgres",
              POSTGRES_RULE_MESSAGE,
              "spec.postgres",
              """
              postgres:
                external:
                  secretName: accord-postgres
                cloudNativePG:
                  cluster: pg
              """),
          new BadSpec(
              "postgres with managed and cloudNativePG",
              "spec.postgres",
              POSTGRES_RULE_MESSAGE,
              "spec.postgres",
              """
              postgres:
                managed: {}
                cloudNativePG:
                  cluster: pg
              """),
          new BadSpec(
              "postgres with all three backends",
              "spec.postgres",
              POSTGRES_RULE_MESSAGE,
              "spec.postgres",
              """
              postgres:
                external:
                  secretName: accord-postgres
                managed: {}
                cloudNativePG:
                  cluster: pg
              """),
          new BadSpec(
              "postgres with no backend",
              "spec.postgres",
              POSTGRES_RULE_MESSAGE,
              "spec.postgres",
              """
              postgres: {}
              """),
          new BadSpec(
              "access rule naming no subject",
              "spec.access[*]",
              ACCESS_RULE_MESSAGE,
              "spec.access[0]",
              """
              postgres:
                managed: {}
              access:
              - namespaces: ["jobs"]
                role: worker
              """),
          new BadSpec(
              "access rule with empty subject lists, after a valid one",
              "spec.access[*]",
              ACCESS_RULE_MESSAGE,
              "spec.access[1]",
              """
              postgres:
                managed: {}
              access:
              - namespaces: ["jobs"]
                role: worker
                groups: ["system:serviceaccounts:jobs"]
              - namespaces: ["jobs"]
                role: reader
                serviceAccounts: []
                groups: []
              """));

  /** Specs that pass every rule, for the rules no sample reaches. */
  static final List<String> VALID_SPECS =
      List.of(
          """
          postgres:
            external:
              secretName: accord-postgres
          access:
          - namespaces: ["jobs", "jobs/*"]
            role: worker
            groups: ["system:serviceaccounts:jobs"]
          - namespaces: ["*"]
            role: admin
            serviceAccounts:
            - name: ops
              namespace: accord-system
          """);

  private static final YAMLMapper YAML = new YAMLMapper();

  private static List<DeclaredRule> rules;
  private static RuleEvaluator evaluator;

  @BeforeAll
  static void compileTheGeneratedCrdsRules() throws IOException {
    CustomResourceDefinition crd;
    try (InputStream in = Files.newInputStream(CrdFiles.generated())) {
      crd = new KubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
    }
    JSONSchemaProps root = crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
    rules = SchemaRules.find(root);
    evaluator = new RuleEvaluator(root, "accord.dev.v1alpha1.AccordCluster", rules);
  }

  @Test
  void everyRuleCompiles() {
    assertThat(rules).as("x-kubernetes-validations rules in the CRD").isNotEmpty();
    assertThat(evaluator.compileErrors()).isEmpty();
  }

  @Test
  void everyRuleHasABadSpecAndEveryBadSpecARule() {
    List<String> declared = rules.stream().map(CelRulesTest::ruleKey).toList();
    assertThat(declared).as("rules are told apart by path and message").doesNotHaveDuplicates();
    Set<String> targeted = BAD_SPECS.stream().map(BadSpec::ruleKey).collect(Collectors.toSet());
    Set<String> withoutBadSpec = new TreeSet<>(declared);
    withoutBadSpec.removeAll(targeted);
    Set<String> notInCrd = new TreeSet<>(targeted);
    declared.forEach(notInCrd::remove);
    assertThat(withoutBadSpec)
        .as("rules of the CRD with no row in CelRulesTest.BAD_SPECS (add one per new rule)")
        .isEmpty();
    assertThat(notInCrd).as("rows of BAD_SPECS whose rule the CRD does not declare").isEmpty();
  }

  @Test
  void everyRuleHoldsForSomeValidSpec() {
    Set<DeclaredRule> held = Collections.newSetFromMap(new IdentityHashMap<>());
    samples().forEach(sample -> held.addAll(evaluator.evaluate(sample.document(), null).held()));
    VALID_SPECS.forEach(spec -> held.addAll(evaluator.evaluate(document(spec), null).held()));
    List<DeclaredRule> neverRan = new ArrayList<>(rules);
    neverRan.removeIf(held::contains);
    assertThat(neverRan)
        .as("rules no sample nor VALID_SPECS reaches: add a valid spec that does")
        .isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void samplePassesEveryRule(Sample sample) {
    assertThat(evaluator.evaluate(sample.document(), null).violations()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validSpecs")
  void validSpecPassesEveryRule(String spec) {
    assertThat(evaluator.evaluate(document(spec), null).violations()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badSpecs")
  void badSpecFailsExactlyItsRule(BadSpec bad) {
    Outcome outcome = evaluator.evaluate(document(bad.specYaml()), null);
    assertThat(outcome.violations())
        .as("violations of the bad spec %s", bad.name())
        .singleElement()
        .satisfies(
            (Violation violation) -> {
              assertThat(ruleKey(violation.rule())).isEqualTo(bad.ruleKey());
              assertThat(violation.instancePath()).isEqualTo(bad.instancePath());
              assertThat(violation.message()).isEqualTo(bad.message());
            });
  }

  @Test
  void aSpecTheApiServerRefusesBeforeAnyRuleIsRefusedNamingTheField() {
    assertThatThrownBy(() -> evaluator.evaluate(document("postgres: {extrnal: {}}"), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("spec.postgres.extrnal: not a field of the schema");
    assertThatThrownBy(
            () -> evaluator.evaluate(document("replicas: two\npostgres: {managed: {}}"), null))
        .hasMessageStartingWith("spec.replicas: expected an integer");
    assertThatThrownBy(() -> evaluator.evaluate(document("postgres: {external: {}}"), null))
        .hasMessage("spec.postgres.external.secretName: required");
    assertThatThrownBy(() -> evaluator.evaluate(document("postgres: {cloudNativePG: {}}"), null))
        .hasMessage("spec.postgres.cloudNativePG.cluster: required");
  }

  static Stream<BadSpec> badSpecs() {
    return BAD_SPECS.stream();
  }

  static Stream<String> validSpecs() {
    return VALID_SPECS.stream();
  }

  /** An AccordCluster of a sample file. */
  record Sample(String name, JsonNode document) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Sample> samples() {
    List<Sample> samples = new ArrayList<>();
    try (Stream<Path> files = Files.list(CrdFiles.samples())) {
      for (Path file : files.filter(f -> f.toString().matches(".*\\.ya?ml")).sorted().toList()) {
        try (MappingIterator<JsonNode> documents =
            YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
          for (JsonNode document : documents.readAll()) {
            if (AccordCluster.KIND.equals(document.path("kind").asText())) {
              samples.add(
                  new Sample(
                      file.getFileName() + " " + document.path("metadata").path("name").asText(),
                      document));
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(samples).as("AccordCluster samples in %s", CrdFiles.samples()).isNotEmpty();
    return samples.stream();
  }

  private static String ruleKey(DeclaredRule rule) {
    return rule.path() + " | " + rule.message();
  }

  private static JsonNode document(String specYaml) {
    ObjectNode document = YAML.createObjectNode();
    document.put("apiVersion", "accord.dev/v1alpha1");
    document.put("kind", AccordCluster.KIND);
    document.putObject("metadata").put("name", "test");
    try {
      document.set("spec", YAML.readTree(specYaml));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return document;
  }
}
