package dev.accord.server.grpc;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import dev.accord.api.ErrorReasons;
import dev.accord.server.access.AccessDeniedException;
import dev.accord.server.backend.BackendUnavailableException;
import dev.accord.server.backend.CursorExpiredException;
import dev.accord.server.backend.InvalidArgumentException;
import dev.accord.server.backend.LeaseRejectedException;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what a call threw into the status the client gets. A client's mistake is INVALID_ARGUMENT
 * (with a {@code BadRequest} naming the field) or FAILED_PRECONDITION (with an {@code ErrorInfo}
 * whose reason says why the handle was refused); a caller the access rules do not allow, or not the
 * grant's holder, is PERMISSION_DENIED; a database outage is UNAVAILABLE; only a bug is INTERNAL,
 * and its details stay in the server log under a reference the client is given.
 */
public final class StatusErrors {
  private static final Logger log = LoggerFactory.getLogger(StatusErrors.class);

  private StatusErrors() {}

  public static StatusRuntimeException toStatus(String method, Throwable error) {
    if (error instanceof InvalidArgumentException invalid) {
      return status(
          Code.INVALID_ARGUMENT,
          invalid.getMessage(),
          Any.pack(
              BadRequest.newBuilder()
                  .addFieldViolations(
                      BadRequest.FieldViolation.newBuilder()
                          .setField(invalid.field())
                          .setDescription(invalid.getMessage()))
                  .build()));
    }
    if (error instanceof LeaseRejectedException rejected) {
      return status(
          rejected.reason() == LeaseRejectedException.Reason.NOT_HOLDER
              ? Code.PERMISSION_DENIED
              : Code.FAILED_PRECONDITION,
          rejected.getMessage(),
          Any.pack(
              ErrorInfo.newBuilder()
                  .setDomain(ErrorReasons.DOMAIN)
                  .setReason(rejected.reason().wireReason())
                  .build()));
    }
    if (error instanceof AccessDeniedException denied) {
      return status(Code.PERMISSION_DENIED, denied.getMessage(), null);
    }
    if (error instanceof CursorExpiredException expired) {
      return status(
          Code.FAILED_PRECONDITION,
          expired.getMessage(),
          Any.pack(
              ErrorInfo.newBuilder()
                  .setDomain(ErrorReasons.DOMAIN)
                  .setReason(ErrorReasons.CURSOR_EXPIRED)
                  .build()));
    }
    if (error instanceof BackendUnavailableException unavailable) {
      return status(Code.UNAVAILABLE, unavailable.getMessage(), null);
    }
    String reference = UUID.randomUUID().toString().substring(0, 8);
    log.error("{} failed with an unexpected error (reference {})", method, reference, error);
    return status(
        Code.INTERNAL,
        "internal error (reference " + reference + "): the server log has the details",
        null);
  }

  private static StatusRuntimeException status(Code code, String message, Any detail) {
    com.google.rpc.Status.Builder status =
        com.google.rpc.Status.newBuilder().setCode(code.getNumber()).setMessage(message);
    if (detail != null) {
      status.addDetails(detail);
    }
    return StatusProto.toStatusRuntimeException(status.build());
  }
}
