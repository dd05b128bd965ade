package dev.accord.server.backend;

import dev.accord.api.InputLimits;
import java.util.Map;

/**
 * Which resources List returns: namespace starting with {@code prefix} (taken literally) or, when
 * {@code namespace} is not empty, exactly {@code namespace}; in the given state, whose metadata
 * contains every pair of {@code metadata}; newest first, skipping the first {@code offset}; only
 * namespaces in {@code scope} (what the caller may read), whatever the prefix.
 */
public record ListQuery(
    String prefix,
    StateFilter state,
    Map<String, String> metadata,
    long offset,
    NamespaceScope scope,
    String namespace) {
  /** Which states List returns. */
  public enum StateFilter {
    ALL,
    DONE,
    /** Not done, held or not. */
    PENDING,
    /** Not done, under an unexpired lease. */
    HELD,
    /** Not done, not under an unexpired lease. */
    AVAILABLE
  }

  public ListQuery {
    namespace =
        InputChecks.requireText(
            "filter.namespace",
            namespace == null ? "" : namespace,
            InputLimits.MAX_NAMESPACE_CHARS);
    if (!namespace.isEmpty() && prefix != null && !prefix.isEmpty()) {
      throw new InvalidArgumentException(
          "filter.namespace", "must be empty when filter.prefix is set (give one of them)");
    }
    prefix =
        InputChecks.requireText(
            "filter.prefix", prefix == null ? "" : prefix, InputLimits.MAX_NAMESPACE_CHARS);
    if (state == null) {
      state = StateFilter.ALL;
    }
    metadata = InputChecks.requireMetadata("filter.metadata", metadata);
    if (scope == null) {
      scope = NamespaceScope.EVERYTHING;
    }
    if (offset < 0) {
      throw new InvalidArgumentException(
          "offset", "must be at most " + Long.MAX_VALUE + ", got " + Long.toUnsignedString(offset));
    }
  }

  /** A query of every namespace (authentication off). */
  public ListQuery(String prefix, StateFilter state, Map<String, String> metadata, long offset) {
    this(prefix, state, metadata, offset, NamespaceScope.EVERYTHING, "");
  }

  /** A query of one namespace, exactly (authentication off). */
  public static ListQuery exactly(
      String namespace, StateFilter state, Map<String, String> metadata, long offset) {
    return new ListQuery("", state, metadata, offset, NamespaceScope.EVERYTHING, namespace);
  }

  /** This query limited to the namespaces in {@code scope}. */
  public ListQuery within(NamespaceScope scope) {
    return new ListQuery(prefix, state, metadata, offset, scope, namespace);
  }

  /** Whether this query is of one namespace exactly. */
  public boolean isExact() {
    return !namespace.isEmpty();
  }

  /** The namespaces this query may return: its scope narrowed to its prefix or namespace. */
  public NamespaceScope readable() {
    if (isExact()) {
      return scope.contains(namespace)
          ? NamespaceScope.of(java.util.Set.of(namespace), java.util.Set.of())
          : NamespaceScope.of(java.util.Set.of(), java.util.Set.of());
    }
    return scope.within(prefix);
  }

  public static ListQuery all() {
    return new ListQuery("", StateFilter.ALL, Map.of(), 0);
  }

  /**
   * Does {@code resource} match this query (the offset aside) at {@code nowMillis}? Backends that
   * filter in memory use this.
   */
  public boolean matches(Resource resource, long nowMillis) {
    if (!resource.namespace().startsWith(prefix)
        || isExact() && !resource.namespace().equals(namespace)
        || !scope.contains(resource.namespace())) {
      return false;
    }
    boolean held = !resource.isDone() && resource.expiresAtMillis() > nowMillis;
    boolean matchesState =
        switch (state) {
          case ALL -> true;
          case DONE -> resource.isDone();
          case PENDING -> !resource.isDone();
          case HELD -> held;
          case AVAILABLE -> !resource.isDone() && !held;
        };
    if (!matchesState) {
      return false;
    }
    return resource.metadata().entrySet().containsAll(metadata.entrySet());
  }
}
