package dev.accord.client;

import io.grpc.Status;

/**
 * A call to Accord failed: the server refused it, or it could not be reached within the call
 * deadline.
 */
public class AccordException extends RuntimeException {
  private final Status.Code code;

  public AccordException(String message, Status.Code code, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  /** The gRPC status code the last attempt ended with. */
  public Status.Code code() {
    return code;
  }
}
