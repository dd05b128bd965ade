package dev.accord.client;

import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.Optional;

/** What a failed call means to a worker: whether to retry it, and the exception it sees. */
final class CallFailures {
  private CallFailures() {}

  /**
   * UNAVAILABLE, and UNKNOWN, which gRPC reports for a connection that closed under a call (a
   * server killed outright); an Accord server never answers UNKNOWN itself. Retrying either is
   * safe: a repeated renew or done is harmless, and a repeated acquire at worst answers HELD for
   * our own grant.
   */
  static boolean isTransient(Status status) {
    return status.getCode() == Status.Code.UNAVAILABLE || status.getCode() == Status.Code.UNKNOWN;
  }

  /**
   * A failed call as the worker sees it: a refused handle is a lost lease, anything else carries
   * the server's words.
   */
  static AccordException translate(String what, StatusRuntimeException e) {
    Status status = e.getStatus();
    String message =
        what
            + ": "
            + status.getCode()
            + (status.getDescription() == null ? "" : ": " + status.getDescription());
    if (status.getCode() == Status.Code.FAILED_PRECONDITION) {
      return new LeaseLostException(message, errorReason(e).orElse("UNKNOWN"), e);
    }
    return new AccordException(message, status.getCode(), e);
  }

  /** The {@code ErrorInfo.reason} the server attached, if any. */
  static Optional<String> errorReason(Throwable e) {
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    if (status == null) {
      return Optional.empty();
    }
    return status.getDetailsList().stream()
        .filter(detail -> detail.is(ErrorInfo.class))
        .map(
            detail -> {
              try {
                return detail.unpack(ErrorInfo.class).getReason();
              } catch (com.google.protobuf.InvalidProtocolBufferException malformed) {
                return null;
              }
            })
        .filter(reason -> reason != null)
        .findFirst();
  }
}
