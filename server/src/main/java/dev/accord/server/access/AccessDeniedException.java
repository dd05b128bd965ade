package dev.accord.server.access;

/**
 * The caller's access rules do not give it the role a call needs in a namespace; nothing was
 * written or read. The message names the namespace and the role, never what the namespace holds.
 */
public final class AccessDeniedException extends RuntimeException {
  public AccessDeniedException(String message) {
    super(message, null, false, false);
  }
}
