package dev.accord.server.backend.postgres;

import dev.accord.server.backend.BackendUnavailableException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/** Sorts database failures into "try again" (the database is unreachable or busy) and bugs. */
final class SqlErrors {
  private SqlErrors() {}

  static RuntimeException translate(String operation, SQLException e) {
    if (isTransient(e)) {
      return new BackendUnavailableException(
          "database unavailable during " + operation + ": " + e.getMessage(), e);
    }
    return new IllegalStateException(
        "database error during "
            + operation
            + " (SQLSTATE "
            + e.getSQLState()
            + "): "
            + e.getMessage(),
        e);
  }

  /** A statement that raced with a concurrent one and may be run again as it is. */
  static boolean isSerializationFailure(SQLException e) {
    return "40001".equals(e.getSQLState());
  }

  static boolean isTransient(SQLException e) {
    if (e instanceof SQLTransientException || e instanceof SQLRecoverableException) {
      return true; // includes HikariCP's "connection is not available, request timed out"
    }
    String state = e.getSQLState();
    if (state == null) {
      return false;
    }
    return state.startsWith("08") // connection exception
        || state.startsWith(
            "53") // insufficient resources: too many connections, disk full, out of memory
        || state.startsWith("57P") // admin or crash shutdown, cannot connect now
        || state.equals("40001") // serialization failure
        || state.equals("40P01") // deadlock detected
        || state.equals("25006") // read-only transaction: we reached a standby during a failover
        || state.equals("55P03"); // lock not available
  }

  /**
   * What went wrong, in one line: the deepest SQL exception's message (the driver's, which says
   * best what is wrong, where the pool's and Flyway's wrap it), followed by the network failure
   * under it when there is one, e.g. {@code The connection attempt failed. (UnknownHostException:
   * db.example)}.
   */
  static String describe(Throwable error) {
    Throwable best = error;
    for (Throwable cause = error;
        cause != null && cause.getCause() != cause;
        cause = cause.getCause()) {
      if (cause instanceof SQLException) {
        best = cause;
      }
    }
    String message = firstLine(best.getMessage() != null ? best.getMessage() : best.toString());
    Throwable below = best.getCause();
    while (below != null && below.getCause() != null && below.getCause() != below) {
      below = below.getCause();
    }
    if (below == null || below instanceof SQLException) {
      return message;
    }
    return message
        + " ("
        + below.getClass().getSimpleName()
        + (below.getMessage() == null ? "" : ": " + firstLine(below.getMessage()))
        + ")";
  }

  private static String firstLine(String message) {
    return message
        .lines()
        .map(String::strip)
        .filter(line -> !line.isEmpty() && !line.startsWith("---"))
        .findFirst()
        .orElse(message);
  }
}
