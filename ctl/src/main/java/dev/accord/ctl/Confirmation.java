package dev.accord.ctl;

import java.util.Locale;

/**
 * The gate in front of a destructive command: {@code --yes} passes; a person at a terminal is
 * asked; a script without {@code --yes} is refused, so nothing changes by accident.
 */
final class Confirmation {
  private Confirmation() {}

  /**
   * Returns when the action may go ahead.
   *
   * @param question what will happen, as a question
   * @param action what is not done when refused, e.g. "nothing was reset"
   * @throws Refusal when not confirmed
   */
  static void require(Session session, boolean yes, String question, String action) {
    if (yes) {
      return;
    }
    Terminal terminal = session.terminal();
    if (!terminal.isInteractive()) {
      throw new Refusal(
          "refusing without --yes: no terminal to confirm on (input or output is redirected); "
              + action);
    }
    String answer = terminal.readLine(question + " [y/N] ");
    String normalized = answer == null ? "" : answer.strip().toLowerCase(Locale.ROOT);
    if (!normalized.equals("y") && !normalized.equals("yes")) {
      throw new Refusal("not confirmed; " + action);
    }
  }
}
