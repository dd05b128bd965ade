package dev.accord.server.backend.postgres;

import dev.accord.server.backend.CursorExpiredException;
import dev.accord.server.backend.DoneCursor;
import dev.accord.server.backend.DonePage;
import dev.accord.server.backend.DonePageBuilder;
import dev.accord.server.backend.DonePageBuilder.Change;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Reads done marks and removals in transaction order behind a cursor: (transaction ID, resource or
 * removal id) of the last change returned, with the id of the store that issued it. Pages stop at
 * the horizon of {@link Statements#DONES_AFTER_SQL}, so a mark that commits late is never skipped.
 */
final class DoneStream {
  private final DataSource pool;
  private final SchemaMigrator schema;
  private volatile UUID store;

  DoneStream(DataSource pool, SchemaMigrator schema) {
    this.pool = pool;
    this.schema = schema;
  }

  DoneCursor currentCursor() {
    schema.ensureMigrated();
    try (Connection connection = pool.getConnection();
        PreparedStatement statement = connection.prepareStatement(Statements.DONE_HORIZON_SQL);
        ResultSet rows = statement.executeQuery()) {
      rows.next();
      return new DoneCursor(store(connection), rows.getLong(1), 0);
    } catch (SQLException e) {
      throw SqlErrors.translate("watch", e);
    }
  }

  DoneCursor firstCursor() {
    schema.ensureMigrated();
    try (Connection connection = pool.getConnection()) {
      return new DoneCursor(store(connection), 0, 0);
    } catch (SQLException e) {
      throw SqlErrors.translate("watch", e);
    }
  }

  DonePage donesAfter(String namespace, DoneCursor after, DoneCursor removalsAfter, int limit) {
    schema.ensureMigrated();
    try (Connection connection = pool.getConnection()) {
      if (!after.store().equals(store(connection))) {
        throw new CursorExpiredException(
            "cursor was issued by another Accord database: list again");
      }
      try (PreparedStatement statement = connection.prepareStatement(Statements.DONES_AFTER_SQL)) {
        String xid = Long.toString(after.position());
        DoneCursor removalStart = after.isAtOrAfter(removalsAfter) ? after : removalsAfter;
        statement.setString(1, namespace);
        statement.setString(2, namespace);
        statement.setString(3, namespace);
        statement.setString(4, xid);
        statement.setLong(5, after.tiebreak());
        statement.setInt(6, limit);
        statement.setString(7, namespace);
        statement.setString(8, Long.toString(removalStart.position()));
        statement.setLong(9, removalStart.tiebreak());
        statement.setInt(10, limit);
        statement.setInt(11, limit);
        try (ResultSet rows = statement.executeQuery()) {
          return page(rows, after, limit);
        }
      }
    } catch (SQLException e) {
      throw SqlErrors.translate("watch", e);
    }
  }

  private static DonePage page(ResultSet rows, DoneCursor after, int limit) throws SQLException {
    DonePageBuilder page = new DonePageBuilder();
    DoneCursor last = null;
    long horizon = 0;
    boolean pendingPastHorizon = false;
    while (rows.next()) {
      if (last == null) {
        horizon = rows.getLong(1);
        pendingPastHorizon = rows.getBoolean(2);
        long pruned = rows.getLong(3);
        // Every position this database issued is below its next transaction ID. One above it was
        // issued by a primary whose last transactions this database never received (a failover
        // to an asynchronous standby): the IDs are being assigned again, to other transactions,
        // and resuming there would skip their done marks without a word.
        if (after.position() > rows.getLong(8)) {
          throw new CursorExpiredException(
              "cursor is ahead of this database (it lost transactions, as a failover to an"
                  + " asynchronous standby does): list again");
        }
        // The first cursor reads only what is stored now, which needs no forgotten removal.
        if (after.position() != 0 && pruned != 0 && pruned >= after.position()) {
          throw new CursorExpiredException(
              "cursor is older than the removals this database keeps: list again");
        }
        last = after;
      }
      String kind = rows.getString(4);
      if (kind == null) {
        break;
      }
      DoneCursor at = new DoneCursor(after.store(), rows.getLong(6), rows.getLong(7));
      if (!page.add(change(kind), rows.getString(5), at)) {
        return page.build(last, true);
      }
      last = at;
    }
    if (page.size() == limit) {
      return page.build(last, true);
    }
    DoneCursor atHorizon = new DoneCursor(after.store(), horizon, 0);
    return page.build(after.isAtOrAfter(atHorizon) ? after : atHorizon, pendingPastHorizon);
  }

  private static Change change(String kind) {
    return switch (kind) {
      case "D" -> Change.DONE;
      case "R" -> Change.REMOVED;
      default -> Change.REMOVED_ALL;
    };
  }

  /** The store's id, read once: it never changes for a database. */
  private UUID store(Connection connection) throws SQLException {
    UUID known = store;
    if (known == null) {
      try (PreparedStatement statement = connection.prepareStatement(Statements.STORE_ID_SQL);
          ResultSet rows = statement.executeQuery()) {
        rows.next();
        known = rows.getObject(1, UUID.class);
        store = known;
      }
    }
    return known;
  }
}
