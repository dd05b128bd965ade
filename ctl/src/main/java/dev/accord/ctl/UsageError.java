package dev.accord.ctl;

/** Input accordctl cannot act on (an option or a setting): exit code 2, like picocli's errors. */
final class UsageError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UsageError(String message) {
    super(message);
  }
}
