package dev.accord.server.backend;

import static dev.accord.api.InputLimits.MAX_CLAIM_NAMES;

import dev.accord.api.InputLimits;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Names in one namespace that an administrative operation acts on (Release, Reset by name): 1 to
 * 1000 names, duplicates dropped, the caller's order kept. A valid instance has passed every input
 * rule.
 */
public record ResourceNames(String namespace, List<String> names) {
  public ResourceNames {
    namespace = InputChecks.requireText("namespace", namespace, InputLimits.MAX_NAMESPACE_CHARS);
    names = checkNames(names);
  }

  static List<String> checkNames(List<String> names) {
    if (names == null || names.isEmpty()) {
      throw new InvalidArgumentException("names", "must hold at least one name");
    }
    if (names.size() > MAX_CLAIM_NAMES) {
      throw new InvalidArgumentException(
          "names", "must hold at most " + MAX_CLAIM_NAMES + " names, got " + names.size());
    }
    Set<String> unique = new LinkedHashSet<>();
    for (int i = 0; i < names.size(); i++) {
      unique.add(
          InputChecks.requireNonEmpty(
              "names[" + i + "]", names.get(i), InputLimits.MAX_NAME_CHARS));
    }
    return List.copyOf(new ArrayList<>(unique));
  }
}
