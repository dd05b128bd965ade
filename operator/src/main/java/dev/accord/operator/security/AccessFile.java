package dev.accord.operator.security;

import dev.accord.crd.v1alpha1.AccessRule;
import dev.accord.crd.v1alpha1.ServiceAccountRef;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders {@code spec.access} into the servers' access file (ACCORD_ACCESS_FILE): a ServiceAccount
 * becomes the principal {@code system:serviceaccount:NS:NAME}, a group {@code group:NAME}.
 *
 * <p>Without rules, the default: every ServiceAccount ({@code group:system:serviceaccounts}) is a
 * worker on the Accord namespaces {@code NS} and {@code NS/*} where NS is its own Kubernetes
 * namespace. A team's pods then reach their own namespace's work and nobody else's, which is the
 * isolation Kubernetes namespaces already express, with no rule to write.
 */
public final class AccessFile {
  /** The key of the access ConfigMap, and the file name the servers read. */
  public static final String KEY = "access.yaml";

  public static final String ALL_SERVICE_ACCOUNTS = "group:system:serviceaccounts";
  public static final String OWN_NAMESPACE = "${namespace}";

  private static final KubernetesSerialization YAML = new KubernetesSerialization();

  private AccessFile() {}

  /** The rule used when spec.access is not set. */
  public static Map<String, Object> defaultRule() {
    Map<String, Object> rule = new LinkedHashMap<>();
    rule.put("principals", List.of(ALL_SERVICE_ACCOUNTS));
    rule.put("namespaces", List.of(OWN_NAMESPACE, OWN_NAMESPACE + "/*"));
    rule.put("role", AccessRule.WORKER);
    return rule;
  }

  /**
   * The access file's YAML for {@code rules} (null or empty: the default rule).
   *
   * @throws IllegalArgumentException naming the field ({@code spec.access[1].namespaces[0]}) when a
   *     rule is unusable
   */
  public static String render(List<AccessRule> rules) {
    List<Map<String, Object>> rendered = new ArrayList<>();
    if (rules == null || rules.isEmpty()) {
      rendered.add(defaultRule());
    } else {
      for (int i = 0; i < rules.size(); i++) {
        rendered.add(rule(rules.get(i), "spec.access[" + i + "]"));
      }
    }
    return YAML.asYaml(Map.of("rules", rendered));
  }

  private static Map<String, Object> rule(AccessRule rule, String field) {
    List<String> principals = new ArrayList<>();
    List<ServiceAccountRef> accounts =
        rule.getServiceAccounts() == null ? List.of() : rule.getServiceAccounts();
    for (int i = 0; i < accounts.size(); i++) {
      ServiceAccountRef account = accounts.get(i);
      if (blank(account.getNamespace()) || blank(account.getName())) {
        throw new IllegalArgumentException(
            field + ".serviceAccounts[" + i + "]: needs a namespace and a name");
      }
      principals.add("system:serviceaccount:" + account.getNamespace() + ":" + account.getName());
    }
    List<String> groups = rule.getGroups() == null ? List.of() : rule.getGroups();
    for (int i = 0; i < groups.size(); i++) {
      if (blank(groups.get(i))) {
        throw new IllegalArgumentException(field + ".groups[" + i + "]: must not be empty");
      }
      principals.add("group:" + groups.get(i));
    }
    if (principals.isEmpty()) {
      throw new IllegalArgumentException(field + ": needs serviceAccounts or groups");
    }
    List<String> namespaces = rule.getNamespaces() == null ? List.of() : rule.getNamespaces();
    if (namespaces.isEmpty()) {
      throw new IllegalArgumentException(field + ".namespaces: needs at least one");
    }
    for (int i = 0; i < namespaces.size(); i++) {
      String pattern = namespaces.get(i);
      int star = pattern == null ? -1 : pattern.indexOf('*');
      if (blank(pattern) || (star >= 0 && star != pattern.length() - 1)) {
        throw new IllegalArgumentException(
            field
                + ".namespaces["
                + i
                + "]: \""
                + pattern
                + "\" must be a namespace, a prefix ending in *, or *");
      }
    }
    String role = rule.getRole();
    if (!List.of(AccessRule.WORKER, AccessRule.READER, AccessRule.ADMIN).contains(role)) {
      throw new IllegalArgumentException(
          field + ".role: must be worker, reader or admin, got " + role);
    }
    Map<String, Object> rendered = new LinkedHashMap<>();
    rendered.put("principals", principals);
    rendered.put("namespaces", List.copyOf(namespaces));
    rendered.put("role", role);
    return rendered;
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
