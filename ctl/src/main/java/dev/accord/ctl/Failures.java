package dev.accord.ctl;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns what went wrong into one line on standard error and an exit code: 1 when the server refused
 * or could not be reached, or accordctl declined to act; 2 for bad usage. Never a stack trace.
 */
final class Failures implements IExecutionExceptionHandler, IParameterExceptionHandler {
  static final int FAILED = 1;
  static final int USAGE = 2;

  private final Session session;

  Failures(Session session) {
    this.session = session;
  }

  @Override
  public int handleParseException(ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    PrintWriter err = command.getErr();
    err.println("accordctl: " + e.getMessage());
    err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help'.");
    err.flush();
    return USAGE;
  }

  @Override
  public int handleExecutionException(Exception e, CommandLine command, ParseResult parseResult) {
    PrintWriter err = command.getErr();
    int exitCode;
    if (e instanceof UsageError) {
      err.println("accordctl: " + e.getMessage());
      exitCode = USAGE;
    } else if (e instanceof Refusal) {
      err.println("accordctl: " + e.getMessage());
      exitCode = FAILED;
    } else if (e instanceof StatusRuntimeException statusException) {
      err.println("accordctl: " + describe(statusException.getStatus()));
      exitCode = FAILED;
    } else {
      err.println("accordctl: failed: " + e);
      exitCode = FAILED;
    }
    err.flush();
    return exitCode;
  }

  /** The server's status as {@code CODE: message}, with what accordctl knows added. */
  String describe(Status status) {
    String description = status.getDescription() == null ? "" : status.getDescription();
    Throwable cause = status.getCause();
    if (cause != null && cause.getMessage() != null) {
      description += (description.isEmpty() ? "" : ": ") + cause.getMessage();
    }
    String detail = description.isEmpty() ? "" : " (" + description + ")";
    return switch (status.getCode()) {
      // A cause never crosses the wire: with one, the connection itself failed (refused, DNS,
      // TLS). Without one it is the server's answer (its database is down) or the transport's.
      case UNAVAILABLE ->
          status.getCause() != null
              ? "UNAVAILABLE: cannot reach " + session.target() + detail
              : "UNAVAILABLE: " + session.target() + ": " + description;
      case DEADLINE_EXCEEDED ->
          "DEADLINE_EXCEEDED: no answer from "
              + session.target()
              + " within the timeout (--timeout)"
              + detail;
      case UNIMPLEMENTED ->
          "UNIMPLEMENTED: the server at "
              + session.target()
              + " does not offer this operation (a server older than accordctl?)"
              + detail;
      default -> status.getCode() + ": " + description;
    };
  }
}
