package dev.accord.server.access;

import dev.accord.server.backend.NamespaceScope;
import dev.accord.server.security.Caller;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides what an authenticated caller may do, from the access rules in force; the rules can be
 * replaced while the server runs (a reloaded access file), and each decision uses one set of them.
 * A caller no rule names may do nothing.
 */
public final class AccessPolicy {
  private volatile List<AccessRule> rules;

  AccessPolicy(List<AccessRule> rules) {
    this.rules = List.copyOf(rules);
  }

  /** The policy of an access file's rules. */
  public static AccessPolicy of(AccessFile.Rules rules) {
    return new AccessPolicy(rules.rules());
  }

  /** Puts {@code replacement} in force for every decision from now on. */
  public void replace(AccessFile.Rules replacement) {
    this.rules = List.copyOf(replacement.rules());
  }

  /** How many rules are in force, for the logs. */
  public int ruleCount() {
    return rules.size();
  }

  /**
   * Refuses unless {@code caller} has {@code needed} (or a role including it) in {@code namespace}.
   *
   * @param caller null when the call carries no authenticated caller: refused
   * @throws AccessDeniedException naming the namespace and the role
   */
  public void require(Caller caller, String namespace, AccessRole needed) {
    if (caller == null) {
      throw new AccessDeniedException(
          "no authenticated caller: role "
              + needed.fileName()
              + " is needed in namespace \""
              + namespace
              + "\"");
    }
    if (!allows(caller, namespace, needed)) {
      throw new AccessDeniedException(
          "\""
              + caller.name()
              + "\" needs role "
              + needed.fileName()
              + " in namespace \""
              + namespace
              + "\"");
    }
  }

  /** Does {@code caller} have {@code needed} (or a role including it) in {@code namespace}? */
  public boolean allows(Caller caller, String namespace, AccessRole needed) {
    for (AccessRule rule : rules) {
      if (!rule.role().includes(needed) || !rule.appliesTo(caller)) {
        continue;
      }
      for (NamespacePattern pattern : rule.namespaces()) {
        String resolved = pattern.resolveFor(caller);
        if (resolved != null && NamespacePattern.matches(resolved, namespace)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Every namespace in which {@code caller} has {@code needed} (or a role including it), in a form
   * a backend's query can use; empty for a caller no rule names.
   */
  public NamespaceScope scope(Caller caller, AccessRole needed) {
    if (caller == null) {
      return NamespaceScope.of(Set.of(), Set.of());
    }
    Set<String> names = new LinkedHashSet<>();
    Set<String> prefixes = new LinkedHashSet<>();
    for (AccessRule rule : rules) {
      if (!rule.role().includes(needed) || !rule.appliesTo(caller)) {
        continue;
      }
      for (NamespacePattern pattern : rule.namespaces()) {
        String resolved = pattern.resolveFor(caller);
        if (resolved == null) {
          continue;
        }
        if (resolved.endsWith("*")) {
          prefixes.add(resolved.substring(0, resolved.length() - 1));
        } else {
          names.add(resolved);
        }
      }
    }
    return NamespaceScope.of(names, prefixes);
  }
}
