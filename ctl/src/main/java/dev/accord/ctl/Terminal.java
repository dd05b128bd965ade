package dev.accord.ctl;

import java.io.Console;

/** Where a destructive command asks for confirmation: a person at a terminal, or nobody. */
interface Terminal {
  /** Whether a person can answer (standard input and output are a terminal). */
  boolean isInteractive();

  /** Shows {@code prompt} and reads the answer; null at end of input. */
  String readLine(String prompt);

  /** The JVM's console. */
  static Terminal system() {
    Console console = System.console();
    return new Terminal() {
      @Override
      public boolean isInteractive() {
        return console != null && isTerminal(console);
      }

      @Override
      public String readLine(String prompt) {
        return console.readLine("%s", prompt);
      }
    };
  }

  /**
   * From Java 22 on, System.console() answers even when the streams are redirected, and only
   * Console.isTerminal() tells (this jar targets Java 17, so it is looked up).
   */
  private static boolean isTerminal(Console console) {
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (NoSuchMethodException e) {
      return true;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot tell whether this is a terminal: " + e, e);
    }
  }
}
