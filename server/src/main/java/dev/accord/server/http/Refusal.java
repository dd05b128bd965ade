package dev.accord.server.http;

/**
 * A request answered with an HTTP error status and a message for the person sending it (never a
 * stack trace): 401 without valid credentials, 403 when not allowed, 404, 503 while the database
 * does not answer.
 */
final class Refusal extends RuntimeException {
  private final int status;

  Refusal(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  int status() {
    return status;
  }
}
