package dev.accord.server.backend.postgres;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.time.Instant;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The pool as the backend's statements use it: while the database is known to be unreachable, a
 * connection is refused at once (SQLSTATE 08001, so the call answers UNAVAILABLE in milliseconds)
 * instead of after the pool's connection timeout, by which time a client's deadline has passed.
 *
 * <p>The database is known unreachable after the pool failed to connect to it (a timeout whose
 * cause is a connection failure); a timeout without one means every connection is busy with a slow
 * database, and the caller keeps waiting its turn. It is known reachable again once the health
 * check, which goes to the pool itself, gets a connection: so calls recover by themselves within
 * one health interval of the database's return.
 */
final class FailFastPool implements DataSource {
  private final DataSource pool;
  private volatile Unreachable unreachable;

  /** Since when, and the connection failure that told. */
  private record Unreachable(Instant since, String cause) {}

  FailFastPool(DataSource pool) {
    this.pool = pool;
  }

  @Override
  public Connection getConnection() throws SQLException {
    Unreachable known = unreachable;
    if (known != null) {
      throw new SQLTransientConnectionException(
          "database unreachable since " + known.since() + " (" + known.cause() + ")", "08001");
    }
    try {
      return pool.getConnection();
    } catch (SQLException e) {
      if (isConnectionFailure(e)) {
        markUnreachable(e);
      }
      throw e;
    }
  }

  /** The health check reached the database through the pool itself: calls go through again. */
  void reached() {
    unreachable = null;
  }

  /** The health check could not connect: calls fail fast until it can. */
  void failedToConnect(SQLException e) {
    if (isConnectionFailure(e)) {
      markUnreachable(e);
    }
  }

  boolean isKnownUnreachable() {
    return unreachable != null;
  }

  private void markUnreachable(SQLException e) {
    if (unreachable == null) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      unreachable = new Unreachable(Instant.now(), cause.getMessage());
    }
  }

  /**
   * The pool's timeout caused by a failure to connect (the pool attaches its last one, SQLSTATE
   * class 08), as opposed to a timeout of a pool whose connections are all busy, which has none.
   */
  static boolean isConnectionFailure(SQLException e) {
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof SQLException sql
          && sql.getSQLState() != null
          && sql.getSQLState().startsWith("08")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException("the backend's pool has its own credentials");
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return pool.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    pool.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    pool.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return pool.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return pool.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    return type.isInstance(this) ? type.cast(this) : pool.unwrap(type);
  }

  @Override
  public boolean isWrapperFor(Class<?> type) throws SQLException {
    return type.isInstance(this) || pool.isWrapperFor(type);
  }
}
