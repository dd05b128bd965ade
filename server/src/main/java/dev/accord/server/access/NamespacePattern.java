package dev.accord.server.access;

import dev.accord.server.security.Caller;

/**
 * One entry of an access rule's {@code namespaces}: an exact namespace, a prefix (a trailing {@code
 * *}), or {@code *} for every namespace. {@code ${namespace}} anywhere in it stands for the
 * Kubernetes namespace of a caller named {@code system:serviceaccount:NS:NAME}; for any other
 * caller such a pattern matches nothing.
 */
record NamespacePattern(String text) {
  static final String CALLER_NAMESPACE = "${namespace}";
  private static final String SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";

  /**
   * Checks the pattern's form.
   *
   * @throws IllegalArgumentException saying what is wrong, without the field's name
   */
  NamespacePattern {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("must not be empty");
    }
    String withoutVariable = text.replace(CALLER_NAMESPACE, "");
    if (withoutVariable.contains("${")) {
      throw new IllegalArgumentException(
          "\"" + text + "\" uses an unknown variable: only " + CALLER_NAMESPACE + " is known");
    }
    int star = withoutVariable.indexOf('*');
    if (star >= 0 && star != withoutVariable.length() - 1) {
      throw new IllegalArgumentException(
          "\"" + text + "\": a * is allowed only at the end (a prefix) or alone (every namespace)");
    }
  }

  /**
   * This pattern for {@code caller}: {@code ${namespace}} replaced by its Kubernetes namespace, or
   * null when the pattern uses it and the caller is not a ServiceAccount.
   */
  String resolveFor(Caller caller) {
    if (!text.contains(CALLER_NAMESPACE)) {
      return text;
    }
    String namespace = serviceAccountNamespace(caller.name());
    return namespace == null ? null : text.replace(CALLER_NAMESPACE, namespace);
  }

  /** Does the resolved pattern {@code resolved} match {@code namespace}? */
  static boolean matches(String resolved, String namespace) {
    return resolved.endsWith("*")
        ? namespace.startsWith(resolved.substring(0, resolved.length() - 1))
        : resolved.equals(namespace);
  }

  /** NS of {@code system:serviceaccount:NS:NAME}, or null for any other name. */
  static String serviceAccountNamespace(String callerName) {
    if (!callerName.startsWith(SERVICE_ACCOUNT_PREFIX)) {
      return null;
    }
    String rest = callerName.substring(SERVICE_ACCOUNT_PREFIX.length());
    int colon = rest.indexOf(':');
    return colon <= 0 || colon == rest.length() - 1 || rest.indexOf(':', colon + 1) >= 0
        ? null
        : rest.substring(0, colon);
  }
}
