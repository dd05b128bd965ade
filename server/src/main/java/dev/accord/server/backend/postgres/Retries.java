package dev.accord.server.backend.postgres;

import dev.accord.server.backend.AcquireCommand;
import dev.accord.server.backend.BackendUnavailableException;

/**
 * How often a write that raced with a concurrent change is tried again, and what its caller hears
 * when every attempt raced: UNAVAILABLE, so the client tries again later.
 */
final class Retries {
  /**
   * A statement that raced with a concurrent change to its row (an insert it could not see yet, a
   * grant that moved between an update and the read explaining its refusal) is tried again this
   * many times at most.
   */
  static final int MAX_ATTEMPTS = 5;

  private Retries() {}

  static BackendUnavailableException keptRacing(String operation) {
    return new BackendUnavailableException(
        operation + " kept racing with concurrent changes to its resource", null);
  }

  static BackendUnavailableException keptRacing(AcquireCommand command) {
    return new BackendUnavailableException(
        "acquire of "
            + command.namespace()
            + "/"
            + command.name()
            + " kept racing with concurrent grants",
        null);
  }
}
