package dev.accord.server.backend;

/** Base of the errors a backend reports on purpose; anything else escaping a backend is a bug. */
public abstract class BackendException extends RuntimeException {
  protected BackendException(String message, Throwable cause) {
    super(message, cause);
  }
}
