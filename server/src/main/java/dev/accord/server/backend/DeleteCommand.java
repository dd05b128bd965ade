package dev.accord.server.backend;

import dev.accord.api.InputLimits;

/**
 * Removes resources of one namespace: every one ({@code doneBeforeMillis} 0), or those done before
 * {@code doneBeforeMillis} (Unix milliseconds, store clock). A valid instance has passed every
 * input rule.
 */
public record DeleteCommand(String namespace, long doneBeforeMillis) {
  public DeleteCommand {
    namespace = InputChecks.requireText("namespace", namespace, InputLimits.MAX_NAMESPACE_CHARS);
    if (doneBeforeMillis < 0) {
      throw new InvalidArgumentException(
          "done_before_tms",
          "must be 0 (every resource) or a time after 1970, got " + doneBeforeMillis);
    }
  }

  public boolean all() {
    return doneBeforeMillis == 0;
  }
}
