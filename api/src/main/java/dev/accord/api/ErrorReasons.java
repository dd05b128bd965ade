package dev.accord.api;

/**
 * The {@code google.rpc.ErrorInfo} a FAILED_PRECONDITION (or, for {@link #NOT_HOLDER},
 * PERMISSION_DENIED) carries: its domain, and the reasons a client acts on.
 */
public final class ErrorReasons {
  /** {@code ErrorInfo.domain} of every error an Accord server attaches details to. */
  public static final String DOMAIN = "accord.dev";

  /** Renew or Done through a handle id no grant ever had. */
  public static final String UNKNOWN_HANDLE = "UNKNOWN_HANDLE";

  /** Renew or Done through another owner's grant. */
  public static final String NOT_OWNER = "NOT_OWNER";

  /**
   * Renew or Done, with authentication on, by a caller other than the one the grant was given to (a
   * PERMISSION_DENIED, whatever the owner string says).
   */
  public static final String NOT_HOLDER = "NOT_HOLDER";

  /**
   * Renew or Done through a grant whose lease expired and whose resource was granted again since.
   */
  public static final String SUPERSEDED = "SUPERSEDED";

  /** Renew or Done of a resource already done. */
  public static final String DONE = "DONE";

  /**
   * A Watch cursor the server cannot resume from (another database, or too old): list or watch from
   * the start.
   */
  public static final String CURSOR_EXPIRED = "CURSOR_EXPIRED";

  private ErrorReasons() {}
}
