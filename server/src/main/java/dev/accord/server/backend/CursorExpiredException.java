package dev.accord.server.backend;

/**
 * A Watch cursor this store cannot resume from (another store's, or too old): the client must list
 * again.
 */
public final class CursorExpiredException extends BackendException {
  public CursorExpiredException(String message) {
    super(message, null);
  }
}
