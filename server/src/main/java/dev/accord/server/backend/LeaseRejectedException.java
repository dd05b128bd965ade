package dev.accord.server.backend;

import dev.accord.api.ErrorReasons;

/**
 * A renew or done named a handle that is not (or no longer) the caller's current grant; nothing was
 * written.
 */
public final class LeaseRejectedException extends BackendException {
  /** Why the handle was refused. */
  public enum Reason {
    /** No grant with this handle ID exists. */
    UNKNOWN_HANDLE(ErrorReasons.UNKNOWN_HANDLE),
    /** With authentication on: the grant was given to another caller. */
    NOT_HOLDER(ErrorReasons.NOT_HOLDER),
    /** The grant belongs to another owner. */
    NOT_OWNER(ErrorReasons.NOT_OWNER),
    /** The lease expired and the resource was granted again since. */
    SUPERSEDED(ErrorReasons.SUPERSEDED),
    /** The resource is already done. */
    DONE(ErrorReasons.DONE);

    private final String wireReason;

    Reason(String wireReason) {
      this.wireReason = wireReason;
    }

    /** The {@code ErrorInfo.reason} a client sees. */
    public String wireReason() {
      return wireReason;
    }
  }

  private final Reason reason;

  public LeaseRejectedException(Reason reason, String message) {
    super(message, null);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
