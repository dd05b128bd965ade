package dev.accord.ctl;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Resource names given on the command line, as one Release or Reset call takes them. */
final class Names {
  /** The most names one call takes (accord_admin.proto). */
  static final int MAX = 1000;

  private Names() {}

  /**
   * Each name once, in the order given.
   *
   * @param otherwise what to do instead when there are too many, for the error
   * @throws UsageError when more than {@link #MAX} remain
   */
  static Set<String> unique(List<String> names, String otherwise) {
    Set<String> unique = new LinkedHashSet<>(names);
    if (unique.size() > MAX) {
      throw new UsageError(
          "at most " + MAX + " names at a time, got " + unique.size() + ": " + otherwise);
    }
    return unique;
  }

  /** {@code 1 resource}, {@code 2 resources}. */
  static String count(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
