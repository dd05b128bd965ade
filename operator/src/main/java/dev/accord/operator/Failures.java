package dev.accord.operator;

/** Turns a failure into the one line a status condition or a log line should carry. */
final class Failures {
  private Failures() {}

  /**
   * The first line of the innermost cause's message: Fabric8 and JOSDK wrap the words that explain
   * it.
   */
  static String rootMessage(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String text = root.getMessage() != null ? root.getMessage() : root.toString();
    return text.lines().findFirst().orElse(text);
  }
}
