package dev.accord.client;

import io.grpc.Status;

/**
 * The lease is no longer this worker's: it expired and was granted again, the resource was marked
 * done through another grant, or renewals kept failing until it expired. Whatever the worker wrote
 * under it must be checked against the fencing token; the worker must not mark the resource done.
 */
public final class LeaseLostException extends AccordException {
  private final String reason;

  public LeaseLostException(String message, String reason, Throwable cause) {
    super(message, Status.Code.FAILED_PRECONDITION, cause);
    this.reason = reason;
  }

  /**
   * Why: {@code SUPERSEDED}, {@code DONE}, {@code NOT_OWNER}, {@code UNKNOWN_HANDLE} (the server's
   * reasons) or {@code EXPIRED} (renewals failed until the lease ran out).
   */
  public String reason() {
    return reason;
  }
}
