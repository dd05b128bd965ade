package dev.accord.crd.cel;

import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;

/**
 * One {@code x-kubernetes-validations} rule and the schema node that declares it: the rule's {@code
 * self} is each value of that node.
 *
 * @param path where the node is, in the schema: {@code spec.access[*]} for the items of {@code
 *     spec.access}, {@code spec.labels.*} for the values of a map
 * @param node the schema node that declares the rule
 * @param rule the rule as the CRD states it
 */
public record DeclaredRule(String path, JSONSchemaProps node, ValidationRule rule) {

  /**
   * The message the API server reports when the rule fails: its {@code message}, or the API
   * server's default when it has none.
   */
  public String message() {
    return rule.getMessage() != null ? rule.getMessage() : "failed rule: " + rule.getRule();
  }

  @Override
  public String toString() {
    return path + ": " + rule.getRule();
  }
}
