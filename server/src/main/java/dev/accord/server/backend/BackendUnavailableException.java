package dev.accord.server.backend;

/**
 * The store cannot answer right now (database down, pool exhausted, schema not ready): the caller
 * may retry.
 */
public final class BackendUnavailableException extends BackendException {
  public BackendUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
