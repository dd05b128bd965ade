package dev.accord.ctl;

/** accordctl declined to act (not confirmed, no --yes without a terminal): exit code 1. */
final class Refusal extends RuntimeException {
  private static final long serialVersionUID = 1L;

  Refusal(String message) {
    super(message);
  }
}
