package dev.accord.server.backend.postgres;

import dev.accord.server.backend.CursorExpiredException;
import dev.accord.server.backend.DoneCursor;
import dev.accord.server.backend.DonePage;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Reads done marks in transaction order behind a cursor: (transaction ID, resource id) of the last
 * mark returned, with the id of the store that issued it. Pages stop at the horizon of {@link
 * Statements#DONES_AFTER_SQL}, so a mark that commits late is never skipped.
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

  DonePage donesAfter(String namespace, DoneCursor after, int limit) {
    schema.ensureMigrated();
    try (Connection connection = pool.getConnection()) {
      if (!after.store().equals(store(connection))) {
        throw new CursorExpiredException(
            "cursor was issued by another Accord database: list again");
      }
      try (PreparedStatement statement = connection.prepareStatement(Statements.DONES_AFTER_SQL)) {
        statement.setString(1, namespace);
        statement.setString(2, namespace);
        statement.setString(3, Long.toString(after.position()));
        statement.setLong(4, after.tiebreak());
        statement.setInt(5, limit);
        try (ResultSet rows = statement.executeQuery()) {
          rows.next();
          long horizon = rows.getLong(1);
          boolean pendingPastHorizon = rows.getBoolean(2);
          Array names = rows.getArray(3);
          if (names == null) {
            DoneCursor atHorizon = new DoneCursor(after.store(), horizon, 0);
            return new DonePage(
                List.of(), after.isAtOrAfter(atHorizon) ? after : atHorizon, pendingPastHorizon);
          }
          List<String> page = List.of((String[]) names.getArray());
          if (page.size() == limit) {
            Long[] xids = (Long[]) rows.getArray(4).getArray();
            Long[] ids = (Long[]) rows.getArray(5).getArray();
            return new DonePage(
                page, new DoneCursor(after.store(), xids[limit - 1], ids[limit - 1]), true);
          }
          return new DonePage(page, new DoneCursor(after.store(), horizon, 0), pendingPastHorizon);
        }
      }
    } catch (SQLException e) {
      throw SqlErrors.translate("watch", e);
    }
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
