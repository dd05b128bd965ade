package dev.accord.server.backend;

/** A renew or done named a handle that is not (or no longer) the caller's current grant; nothing was written. */
public final class LeaseRejectedException extends AccordException {
  /** Why the handle was refused. */
  public enum Reason {
    /** No grant with this handle ID exists. */
    UNKNOWN_HANDLE,
    /** The grant belongs to another owner. */
    NOT_OWNER,
    /** The lease expired and the resource was granted again since. */
    SUPERSEDED,
    /** The resource is already done. */
    DONE
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
