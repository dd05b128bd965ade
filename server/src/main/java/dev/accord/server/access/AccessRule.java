package dev.accord.server.access;

import dev.accord.server.security.Caller;
import java.util.List;
import java.util.Set;

/**
 * One rule of the access file: callers named by any of {@code principals} (a caller's name, or
 * {@code group:} and one of its groups) have {@code role} in the namespaces {@code namespaces}
 * match.
 */
record AccessRule(Set<String> principals, List<NamespacePattern> namespaces, AccessRole role) {
  AccessRule {
    principals = Set.copyOf(principals);
    namespaces = List.copyOf(namespaces);
  }

  boolean appliesTo(Caller caller) {
    for (String principal : caller.principals()) {
      if (principals.contains(principal)) {
        return true;
      }
    }
    return false;
  }
}
