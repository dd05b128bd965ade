package dev.accord.server.backend;

/** Base of the errors a backend reports on purpose; anything else escaping a backend is a bug. */
public abstract class AccordException extends RuntimeException {
  protected AccordException(String message, Throwable cause) {
    super(message, cause);
  }
}
