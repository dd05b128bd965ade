package dev.accord.server.http;

import dev.accord.server.backend.Backend;
import dev.accord.server.backend.ListQuery;
import dev.accord.server.backend.ListQuery.StateFilter;
import dev.accord.server.backend.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The names a namespace's page lists: the oldest pending resources and the latest the work loop
 * gave up on. Two List queries, each of a few rows.
 */
final class NamespaceDetails {
  /** Metadata the client's work loop writes on a resource it gave up on. */
  static final String FAILED = "failed";

  static final String ATTEMPTS = "attempts";
  static final String LAST_ERROR = "last_error";

  /** Names shown in each list. */
  static final int SHOWN = 10;

  /** A resource the work loop gave up on. */
  record Failure(String name, String attempts, String lastError) {}

  /** What the page lists. */
  record Lists(List<String> oldestPending, List<Failure> failures) {}

  private final Backend backend;

  NamespaceDetails(Backend backend) {
    this.backend = backend;
  }

  /**
   * @param pending the namespace's pending count from its statistics: List returns newest first, so
   *     the oldest are the last {@link #SHOWN} of them
   */
  Lists of(String namespace, long pending) {
    return new Lists(oldestPending(namespace, pending), failures(namespace));
  }

  private List<String> oldestPending(String namespace, long pending) {
    if (pending == 0) {
      return List.of();
    }
    long skip = Math.max(0, pending - SHOWN);
    List<Resource> page =
        backend.list(
            ListQuery.exactly(namespace, StateFilter.AVAILABLE, Map.of(), skip), null, SHOWN);
    if (page.isEmpty() && skip > 0) {
      // Some were taken since the count: show the oldest of those left.
      page =
          backend.list(
              ListQuery.exactly(namespace, StateFilter.AVAILABLE, Map.of(), 0), null, SHOWN);
    }
    List<String> names = new ArrayList<>(page.size());
    for (int i = page.size() - 1; i >= 0; i--) {
      names.add(page.get(i).name());
    }
    return names;
  }

  private List<Failure> failures(String namespace) {
    List<Resource> page =
        backend.list(
            ListQuery.exactly(namespace, StateFilter.PENDING, Map.of(FAILED, "true"), 0),
            null,
            SHOWN);
    List<Failure> failures = new ArrayList<>(page.size());
    for (Resource resource : page) {
      failures.add(
          new Failure(
              resource.name(),
              resource.metadata().getOrDefault(ATTEMPTS, ""),
              resource.metadata().getOrDefault(LAST_ERROR, "")));
    }
    return failures;
  }
}
