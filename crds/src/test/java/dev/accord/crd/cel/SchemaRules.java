package dev.accord.crd.cel;

import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Finds every {@code x-kubernetes-validations} rule of a structural schema, with its path. */
public final class SchemaRules {

  private SchemaRules() {}

  /** The rules under {@code root}, parents before children, properties in schema order. */
  public static List<DeclaredRule> find(JSONSchemaProps root) {
    List<DeclaredRule> rules = new ArrayList<>();
    walk(root, "", rules);
    return rules;
  }

  private static void walk(JSONSchemaProps node, String path, List<DeclaredRule> rules) {
    if (node == null) {
      return;
    }
    if (node.getXKubernetesValidations() != null) {
      for (ValidationRule rule : node.getXKubernetesValidations()) {
        rules.add(new DeclaredRule(path.isEmpty() ? "<root>" : path, node, rule));
      }
    }
    // A structural schema may not declare rules inside allOf, anyOf, oneOf or not; should one
    // appear there, the walk below would miss it, so refuse rather than report fewer rules.
    List<JSONSchemaProps> logical = new ArrayList<>();
    addAll(logical, node.getAllOf());
    addAll(logical, node.getAnyOf());
    addAll(logical, node.getOneOf());
    if (node.getNot() != null) {
      logical.add(node.getNot());
    }
    for (JSONSchemaProps branch : logical) {
      if (!find(branch).isEmpty()) {
        throw new IllegalStateException(
            path + ": x-kubernetes-validations inside allOf/anyOf/oneOf/not are not walked here");
      }
    }
    if (node.getProperties() != null) {
      for (Map.Entry<String, JSONSchemaProps> property : node.getProperties().entrySet()) {
        String child = path.isEmpty() ? property.getKey() : path + "." + property.getKey();
        walk(property.getValue(), child, rules);
      }
    }
    if (node.getItems() != null) {
      walk(node.getItems().getSchema(), path + "[*]", rules);
    }
    if (node.getAdditionalProperties() != null) {
      walk(node.getAdditionalProperties().getSchema(), path + ".*", rules);
    }
  }

  private static void addAll(List<JSONSchemaProps> into, List<JSONSchemaProps> branches) {
    if (branches != null) {
      into.addAll(branches);
    }
  }
}
