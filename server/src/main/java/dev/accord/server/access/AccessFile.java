package dev.accord.server.access;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads the access file ({@code ACCORD_ACCESS_FILE}):
 *
 * <pre>
 * rules:
 *   - principals: ["system:serviceaccount:jobs:worker", "group:batch-workers"]
 *     namespaces: ["reports", "reports-*"]
 *     role: worker
 * </pre>
 *
 * Every mistake is refused with the file, the line and the field ({@code rules[1].role}); an
 * unknown key is a mistake too, since a misspelt one would silently grant less or more than meant.
 */
public final class AccessFile {
  /** Largest access file read: far beyond any real rule set, small enough to hold. */
  static final int MAX_BYTES = 1 << 20;

  /** The rules of one access file, in file order. */
  public record Rules(List<AccessRule> rules) {
    public Rules {
      rules = List.copyOf(rules);
    }
  }

  private AccessFile() {}

  /**
   * Checks {@code content}, naming {@code source} in every error.
   *
   * @throws IllegalArgumentException naming the file, and the line and field when the content is
   *     wrong
   */
  static Rules parse(byte[] content, String source) {
    String prefix = "ACCORD_ACCESS_FILE " + source + ": ";
    if (content.length > MAX_BYTES) {
      throw new IllegalArgumentException(
          prefix + "larger than " + MAX_BYTES + " bytes, got " + content.length);
    }
    Node root;
    try {
      root =
          new Yaml(new LoaderOptions())
              .compose(new StringReader(new String(content, StandardCharsets.UTF_8)));
    } catch (YAMLException e) {
      throw new IllegalArgumentException(prefix + "not valid YAML: " + e.getMessage(), e);
    }
    try {
      return new Rules(readRules(root));
    } catch (FieldError e) {
      throw new IllegalArgumentException(prefix + e.getMessage(), e);
    }
  }

  private static List<AccessRule> readRules(Node root) {
    if (root == null) {
      throw new FieldError(null, "rules", "missing: the file is empty");
    }
    MappingNode top = mapping(root, "(top level)");
    Node rulesNode = null;
    for (NodeTuple entry : top.getValue()) {
      String key = scalar(entry.getKeyNode(), "(top level)");
      if (!key.equals("rules")) {
        throw new FieldError(entry.getKeyNode(), key, "unknown key: the file holds only rules");
      }
      rulesNode = entry.getValueNode();
    }
    if (rulesNode == null) {
      throw new FieldError(root, "rules", "missing");
    }
    if (!(rulesNode instanceof SequenceNode sequence)) {
      throw new FieldError(rulesNode, "rules", "must be a list of rules");
    }
    List<AccessRule> rules = new ArrayList<>();
    for (int i = 0; i < sequence.getValue().size(); i++) {
      rules.add(readRule(sequence.getValue().get(i), "rules[" + i + "]"));
    }
    return rules;
  }

  private static AccessRule readRule(Node node, String field) {
    MappingNode rule = mapping(node, field);
    Set<String> principals = null;
    List<NamespacePattern> namespaces = null;
    AccessRole role = null;
    for (NodeTuple entry : rule.getValue()) {
      String key = scalar(entry.getKeyNode(), field);
      String at = field + "." + key;
      Node value = entry.getValueNode();
      switch (key) {
        case "principals" -> principals = readPrincipals(value, at);
        case "namespaces" -> namespaces = readNamespaces(value, at);
        case "role" -> {
          String text = scalar(value, at);
          role = AccessRole.fromFileName(text);
          if (role == null) {
            throw new FieldError(
                value, at, "must be worker, reader or admin, got \"" + text + "\"");
          }
        }
        default ->
            throw new FieldError(
                entry.getKeyNode(), at, "unknown key: a rule has principals, namespaces and role");
      }
    }
    if (principals == null) {
      throw new FieldError(node, field + ".principals", "missing");
    }
    if (namespaces == null) {
      throw new FieldError(node, field + ".namespaces", "missing");
    }
    if (role == null) {
      throw new FieldError(node, field + ".role", "missing");
    }
    return new AccessRule(principals, namespaces, role);
  }

  private static Set<String> readPrincipals(Node node, String field) {
    Set<String> principals = new LinkedHashSet<>();
    List<Node> items = nonEmptyList(node, field);
    for (int i = 0; i < items.size(); i++) {
      String at = field + "[" + i + "]";
      String principal = scalar(items.get(i), at);
      if (principal.isEmpty() || principal.equals("group:")) {
        throw new FieldError(items.get(i), at, "must be a caller's name or group:NAME");
      }
      principals.add(principal);
    }
    return principals;
  }

  private static List<NamespacePattern> readNamespaces(Node node, String field) {
    List<NamespacePattern> patterns = new ArrayList<>();
    List<Node> items = nonEmptyList(node, field);
    for (int i = 0; i < items.size(); i++) {
      String at = field + "[" + i + "]";
      try {
        patterns.add(new NamespacePattern(scalar(items.get(i), at)));
      } catch (IllegalArgumentException e) {
        throw new FieldError(items.get(i), at, e.getMessage());
      }
    }
    return patterns;
  }

  private static List<Node> nonEmptyList(Node node, String field) {
    if (!(node instanceof SequenceNode sequence) || sequence.getValue().isEmpty()) {
      throw new FieldError(node, field, "must be a list with at least one entry");
    }
    return sequence.getValue();
  }

  private static MappingNode mapping(Node node, String field) {
    if (!(node instanceof MappingNode mapping)) {
      throw new FieldError(node, field, "must be a mapping of keys to values");
    }
    return mapping;
  }

  private static String scalar(Node node, String field) {
    if (!(node instanceof ScalarNode scalar)) {
      throw new FieldError(node, field, "must be a single value, not a list or mapping");
    }
    return scalar.getValue();
  }

  /** A wrong field, with the line it is on. */
  private static final class FieldError extends RuntimeException {
    FieldError(Node node, String field, String problem) {
      super(
          (node == null ? "" : "line " + (node.getStartMark().getLine() + 1) + ": ")
              + field
              + ": "
              + problem,
          null,
          false,
          false);
    }
  }
}
