package dev.accord.server.backend;

import dev.accord.api.InputLimits;
import java.util.List;

/**
 * Makes done resources of one namespace pending again: the named ones, or ({@code all}) every one.
 * A valid instance has passed every input rule: exactly one of names and all is given.
 */
public record ResetCommand(String namespace, List<String> names, boolean all) {
  public ResetCommand {
    namespace = InputChecks.requireText("namespace", namespace, InputLimits.MAX_NAMESPACE_CHARS);
    if (all) {
      if (names != null && !names.isEmpty()) {
        throw new InvalidArgumentException("names", "must be empty when all is set");
      }
      names = List.of();
    } else {
      if (names == null || names.isEmpty()) {
        throw new InvalidArgumentException("names", "must hold at least one name, or set all");
      }
      names = ResourceNames.checkNames(names);
    }
  }

  public static ResetCommand all(String namespace) {
    return new ResetCommand(namespace, List.of(), true);
  }

  public static ResetCommand of(String namespace, List<String> names) {
    return new ResetCommand(namespace, names, false);
  }
}
