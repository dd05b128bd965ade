package dev.accord.server.backend;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The namespaces a List may read: every one, or those named exactly plus those starting with one of
 * the prefixes. Access rules decide it; backends apply it in their query, so rows outside it are
 * never read into an answer.
 */
public record NamespaceScope(boolean everything, Set<String> names, Set<String> prefixes) {
  /** Every namespace: authentication off, or a rule with {@code *}. */
  public static final NamespaceScope EVERYTHING = new NamespaceScope(true, Set.of(), Set.of());

  public NamespaceScope {
    names = Set.copyOf(names);
    prefixes = Set.copyOf(prefixes);
  }

  public static NamespaceScope of(Set<String> names, Set<String> prefixes) {
    return prefixes.contains("") ? EVERYTHING : new NamespaceScope(false, names, prefixes);
  }

  public boolean contains(String namespace) {
    if (everything || names.contains(namespace)) {
      return true;
    }
    for (String prefix : prefixes) {
      if (namespace.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  /**
   * This scope narrowed to namespaces starting with {@code listPrefix}: the same namespaces as
   * {@code contains(ns) && ns.startsWith(listPrefix)}, as names and prefixes a query can use.
   */
  public NamespaceScope within(String listPrefix) {
    if (everything) {
      return listPrefix.isEmpty() ? this : new NamespaceScope(false, Set.of(), Set.of(listPrefix));
    }
    Set<String> narrowedNames = new LinkedHashSet<>();
    for (String name : names) {
      if (name.startsWith(listPrefix)) {
        narrowedNames.add(name);
      }
    }
    Set<String> narrowedPrefixes = new LinkedHashSet<>();
    for (String prefix : prefixes) {
      if (prefix.startsWith(listPrefix)) {
        narrowedPrefixes.add(prefix);
      } else if (listPrefix.startsWith(prefix)) {
        narrowedPrefixes.add(listPrefix);
      }
    }
    return new NamespaceScope(false, narrowedNames, narrowedPrefixes);
  }

  /** True when no namespace is in this scope. */
  public boolean isEmpty() {
    return !everything && names.isEmpty() && prefixes.isEmpty();
  }
}
