package dev.accord.crd.cel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Runs the {@code x-kubernetes-validations} rules of a schema on documents the way the API server
 * does: defaults applied, the document bound to CEL values, and each rule run with {@code self}
 * bound to every value of the node that declares it (every item of an array, every value of a map).
 * A transition rule (one that names {@code oldSelf}) runs only where an old value correlates:
 * through object fields, map keys and the keys of {@code x-kubernetes-list-type: map} lists.
 *
 * <p>The CEL environment is the standard library with the extensions Kubernetes also enables and
 * cel-java has: strings, sets, optional values, cross-type numeric comparisons, homogeneous
 * aggregate literals. Kubernetes' own libraries (lists' isSorted/sum/min/max/indexOf, regex
 * find/findAll, url, quantity, ip, cidr, format, authz, semver) are not declared: a rule using one
 * fails to compile here and {@link #compileErrors()} says which.
 */
public final class RuleEvaluator {

  /** A rule that did not hold for one value. */
  public record Violation(DeclaredRule rule, String instancePath, String message) {}

  /** The violations of one document, and the rules that ran and held at least once. */
  public record Outcome(List<Violation> violations, Set<DeclaredRule> held) {}

  private record CompiledRule(
      DeclaredRule declared,
      CelRuntime.Program rule,
      CelRuntime.Program messageExpression,
      boolean transition) {}

  private final JSONSchemaProps root;
  private final Map<JSONSchemaProps, List<CompiledRule>> rulesByNode = new IdentityHashMap<>();
  private final List<String> compileErrors = new ArrayList<>();

  public RuleEvaluator(JSONSchemaProps root, String rootTypeName, List<DeclaredRule> rules) {
    this.root = root;
    SchemaTypes types = new SchemaTypes(root, rootTypeName);
    CelOptions options =
        CelOptions.current()
            .enableOptionalSyntax(true)
            .enableHeterogeneousNumericComparisons(true)
            .enableHomogeneousLiterals(true)
            .build();
    Cel environment =
        CelFactory.standardCelBuilder()
            .setOptions(options)
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .setTypeProvider(types)
            .addCompilerLibraries(
                CelExtensions.strings(), CelExtensions.sets(options), CelExtensions.optional())
            .addRuntimeLibraries(
                CelExtensions.strings(), CelExtensions.sets(options), CelExtensions.optional())
            .build();
    for (DeclaredRule rule : rules) {
      compile(environment, types.typeOf(rule.node()), rule);
    }
  }

  /** One line per rule that did not compile, naming the rule; empty when all did. */
  public List<String> compileErrors() {
    return Collections.unmodifiableList(compileErrors);
  }

  /**
   * Runs every rule on {@code document} (a whole object: apiVersion, kind, metadata, spec), as an
   * update from {@code oldDocument} when that is not null, as a create otherwise.
   *
   * @throws IllegalArgumentException naming the field when the API server would refuse the document
   *     before running any rule (unknown field, wrong type, missing required field)
   */
  public Outcome evaluate(JsonNode document, JsonNode oldDocument) {
    Object self = CelValues.ofRoot(SchemaDefaults.applied(document, root), root);
    Object old =
        oldDocument == null
            ? null
            : CelValues.ofRoot(SchemaDefaults.applied(oldDocument, root), root);
    Outcome outcome =
        new Outcome(new ArrayList<>(), Collections.newSetFromMap(new IdentityHashMap<>()));
    walk(self, old, root, "", outcome);
    return outcome;
  }

  private void compile(Cel environment, CelType selfType, DeclaredRule declared) {
    if (Boolean.TRUE.equals(declared.rule().getOptionalOldSelf())) {
      compileErrors.add(declared + ": optionalOldSelf is not supported by this evaluator");
      return;
    }
    Cel cel =
        environment.toCelBuilder().addVar("self", selfType).addVar("oldSelf", selfType).build();
    CelAbstractSyntaxTree rule = check(cel, declared, declared.rule().getRule(), SimpleType.BOOL);
    String messageExpression = declared.rule().getMessageExpression();
    CelAbstractSyntaxTree message =
        messageExpression == null
            ? null
            : check(cel, declared, messageExpression, SimpleType.STRING);
    if (rule == null || (messageExpression != null && message == null)) {
      return;
    }
    try {
      List<CompiledRule> atNode =
          rulesByNode.computeIfAbsent(declared.node(), n -> new ArrayList<>());
      atNode.add(
          new CompiledRule(
              declared,
              cel.createProgram(rule),
              message == null ? null : cel.createProgram(message),
              namesOldSelf(rule)));
    } catch (CelEvaluationException e) {
      compileErrors.add(declared + ": no program: " + e.getMessage());
    }
  }

  private CelAbstractSyntaxTree check(
      Cel cel, DeclaredRule declared, String expression, CelType resultType) {
    CelValidationResult result = cel.compile(expression);
    if (result.hasError()) {
      compileErrors.add(
          declared
              + ": does not compile (if it calls a Kubernetes CEL library function cel-java lacks,"
              + " implement the function here or mark the rule's evaluation as not covered):\n"
              + result.getErrorString());
      return null;
    }
    try {
      CelAbstractSyntaxTree ast = result.getAst();
      // The API server refuses a rule that is not of type bool (a message expression not string).
      if (!ast.getResultType().equals(resultType)) {
        compileErrors.add(
            declared
                + ": "
                + expression
                + " is of type "
                + ast.getResultType()
                + ", not "
                + resultType);
        return null;
      }
      return ast;
    } catch (dev.cel.common.CelValidationException e) {
      compileErrors.add(declared + ": " + e.getMessage());
      return null;
    }
  }

  private static boolean namesOldSelf(CelAbstractSyntaxTree ast) {
    return CelNavigableAst.fromAst(ast)
        .getRoot()
        .allNodes()
        .anyMatch(
            node ->
                node.getKind() == CelExpr.ExprKind.Kind.IDENT
                    && node.expr().ident().name().equals("oldSelf"));
  }

  private void walk(
      Object value, Object old, JSONSchemaProps schema, String path, Outcome outcome) {
    for (CompiledRule rule : rulesByNode.getOrDefault(schema, List.of())) {
      run(rule, value, old, path.isEmpty() ? "<root>" : path, outcome);
    }
    if (value instanceof Map<?, ?> map) {
      Map<?, ?> oldMap = old instanceof Map<?, ?> m ? m : Map.of();
      boolean hasProperties = schema.getProperties() != null && !schema.getProperties().isEmpty();
      JSONSchemaProps mapValues =
          schema.getAdditionalProperties() == null
              ? null
              : schema.getAdditionalProperties().getSchema();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        // At the root, apiVersion, kind and metadata are bound but have no schema (and no rules).
        JSONSchemaProps child =
            hasProperties ? schema.getProperties().get((String) entry.getKey()) : mapValues;
        if (child != null) {
          String childPath = path.isEmpty() ? (String) entry.getKey() : path + "." + entry.getKey();
          walk(entry.getValue(), oldMap.get(entry.getKey()), child, childPath, outcome);
        }
      }
    } else if (value instanceof List<?> list && schema.getItems() != null) {
      for (int i = 0; i < list.size(); i++) {
        Object item = list.get(i);
        Object oldItem = correlated(item, old, schema);
        walk(item, oldItem, schema.getItems().getSchema(), path + "[" + i + "]", outcome);
      }
    }
  }

  /** The old item with the same map keys, for a list of type map; nothing for other lists. */
  private static Object correlated(Object item, Object oldList, JSONSchemaProps schema) {
    List<String> keys = schema.getXKubernetesListMapKeys();
    if (!"map".equals(schema.getXKubernetesListType())
        || keys == null
        || !(oldList instanceof List<?> olds)
        || !(item instanceof Map<?, ?> itemMap)) {
      return null;
    }
    for (Object old : olds) {
      if (old instanceof Map<?, ?> oldMap
          && keys.stream().allMatch(k -> Objects.equals(itemMap.get(k), oldMap.get(k)))) {
        return old;
      }
    }
    return null;
  }

  private static void run(
      CompiledRule rule, Object self, Object oldSelf, String path, Outcome outcome) {
    if (rule.transition() && oldSelf == null) {
      return;
    }
    Map<String, Object> variables = new HashMap<>();
    variables.put("self", self);
    if (rule.transition()) {
      variables.put("oldSelf", oldSelf);
    }
    try {
      if (Boolean.TRUE.equals(rule.rule().eval(variables))) {
        outcome.held().add(rule.declared());
        return;
      }
      String message =
          rule.messageExpression() == null
              ? rule.declared().message()
              : String.valueOf(rule.messageExpression().eval(variables));
      outcome.violations().add(new Violation(rule.declared(), path, message));
    } catch (CelEvaluationException e) {
      // The API server refuses the object when a rule's evaluation fails (no such key, overflow):
      // a failure of the rule, reported with the error instead of the rule's message.
      outcome
          .violations()
          .add(new Violation(rule.declared(), path, "evaluation error: " + e.getMessage()));
    }
  }
}
