package dev.accord.server.backend;

import dev.accord.api.InputLimits;
import java.util.Map;

/**
 * Which resources List returns: namespace starting with {@code prefix} (taken literally), in the
 * given state, whose metadata contains every pair of {@code metadata}; newest first, skipping the
 * first {@code offset}; only namespaces in {@code scope} (what the caller may read), whatever the
 * prefix.
 */
public record ListQuery(
    String prefix,
    StateFilter state,
    Map<String, String> metadata,
    long offset,
    NamespaceScope scope) {
  /** Which states List returns. */
  public enum StateFilter {
    ALL,
    DONE,
    PENDING
  }

  public ListQuery {
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
    this(prefix, state, metadata, offset, NamespaceScope.EVERYTHING);
  }

  /** This query limited to the namespaces in {@code scope}. */
  public ListQuery within(NamespaceScope scope) {
    return new ListQuery(prefix, state, metadata, offset, scope);
  }

  /** The namespaces this query may return: its scope narrowed to its prefix. */
  public NamespaceScope readable() {
    return scope.within(prefix);
  }

  public static ListQuery all() {
    return new ListQuery("", StateFilter.ALL, Map.of(), 0);
  }

  /**
   * Does {@code resource} match this query (the offset aside)? Backends that filter in memory use
   * this.
   */
  public boolean matches(Resource resource) {
    if (!resource.namespace().startsWith(prefix) || !scope.contains(resource.namespace())) {
      return false;
    }
    if (state == StateFilter.DONE && !resource.isDone()
        || state == StateFilter.PENDING && resource.isDone()) {
      return false;
    }
    return resource.metadata().entrySet().containsAll(metadata.entrySet());
  }
}
