package dev.accord.server.backend.postgres;

import dev.accord.server.backend.ClaimAnswer;
import dev.accord.server.backend.ClaimCommand;
import dev.accord.server.backend.DoneCommand;
import dev.accord.server.backend.GrantCheck;
import dev.accord.server.backend.GrantRef;
import dev.accord.server.backend.HandleId;
import dev.accord.server.backend.HandleKey;
import dev.accord.server.backend.LeaseRejectedException;
import dev.accord.server.backend.RenewCommand;
import dev.accord.server.backend.Resource;
import io.micrometer.core.instrument.Timer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * Takes and changes grants one call at a time: claims ({@link Statements#CLAIM_SQL}), renewals and
 * lone done marks. An update that changes no row is refused; {@link #explainRefusal} reads the
 * grant it met to say why.
 */
final class GrantUpdates {
  private final DataSource pool;
  private final SchemaMigrator schema;

  private final PostgresMeters meters;

  GrantUpdates(DataSource pool, SchemaMigrator schema, PostgresMeters meters) {
    this.meters = meters;
    this.pool = pool;
    this.schema = schema;
  }

  ClaimAnswer claim(ClaimCommand command) {
    for (int attempt = 1; ; attempt++) {
      try {
        return claimOnce(command);
      } catch (SQLException e) {
        // A delete of a candidate committed while its insert waited on the row: look again.
        if (!SqlErrors.isSerializationFailure(e) || attempt == Retries.MAX_ATTEMPTS) {
          throw SqlErrors.translate("claim", e);
        }
      }
    }
  }

  private ClaimAnswer claimOnce(ClaimCommand command) throws SQLException {
    HandleKey handles = schema.handleKey();
    try (Connection connection = pool.getConnection();
        PreparedStatement statement = connection.prepareStatement(Statements.CLAIM_SQL)) {
      statement.setArray(
          1, connection.createArrayOf("text", command.names().toArray(String[]::new)));
      statement.setString(2, command.namespace());
      statement.setInt(3, command.max());
      statement.setString(4, command.namespace());
      statement.setString(5, command.owner());
      statement.setInt(6, command.ttlSeconds());
      ResourceRows.bindMetadata(connection, statement, 7, command.metadata());
      statement.setString(9, command.holder());
      List<Resource> granted = new ArrayList<>();
      List<String> done = null;
      List<String> held = new ArrayList<>();
      long start = System.nanoTime();
      try (ResultSet rows = statement.executeQuery()) {
        meters.claim.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        while (rows.next()) {
          if (done == null) {
            done = ResourceRows.names(rows.getArray(1));
            held.addAll(ResourceRows.names(rows.getArray(2)));
            held.addAll(ResourceRows.names(rows.getArray(3)));
          }
          if (rows.getObject(4) != null) {
            granted.add(ResourceRows.readResource(rows, 5, handles));
          }
        }
      }
      return new ClaimAnswer(granted, done == null ? List.of() : done, held);
    }
  }

  void renew(RenewCommand command) {
    update(
        "renew",
        Statements.RENEW_SQL,
        meters.renew,
        command.handleId(),
        command.owner(),
        command.holder(),
        (connection, statement) -> {
          statement.setInt(1, command.ttlSeconds());
          ResourceRows.bindMetadata(connection, statement, 2, command.metadata());
          return 4;
        });
  }

  /**
   * Marks one resource done with {@link Statements#DONE_SQL} and returns its namespace; a batch of
   * many uses the batch statement instead.
   */
  String done(DoneCommand command) {
    return update(
        "done",
        Statements.DONE_SQL,
        meters.done.alone(),
        command.handleId(),
        command.owner(),
        command.holder(),
        (connection, statement) -> {
          ResourceRows.bindMetadata(connection, statement, 1, command.metadata());
          return 3;
        });
  }

  /** Binds an update's own parameters and returns the index of its first WHERE parameter. */
  private interface UpdateBinder {
    int bind(Connection connection, PreparedStatement statement) throws SQLException;
  }

  /** Runs an update of one grant; returns the namespace of the resource it changed. */
  private String update(
      String operation,
      String sql,
      Timer timer,
      HandleId handleId,
      String owner,
      String holder,
      UpdateBinder binder) {
    GrantRef handle = schema.handleKey().open(handleId);
    try (Connection connection = pool.getConnection()) {
      // The grant may change between the update and the read that explains a refusal: then look
      // again.
      for (int attempt = 1; attempt <= Retries.MAX_ATTEMPTS; attempt++) {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
          int where = binder.bind(connection, statement);
          statement.setLong(where, handle.resourceId());
          statement.setLong(where + 1, handle.grant());
          statement.setInt(where + 2, handle.nonce());
          statement.setString(where + 3, owner);
          statement.setString(where + 4, holder);
          long start = System.nanoTime();
          String namespace = changedNamespace(statement);
          timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
          if (namespace != null) {
            return namespace;
          }
        }
        LeaseRejectedException refusal = explainRefusal(connection, handle, owner, holder);
        if (refusal != null) {
          throw refusal;
        }
      }
      throw Retries.keptRacing(operation);
    } catch (SQLException e) {
      throw SqlErrors.translate(operation, e);
    }
  }

  /** The namespace an update returned for the row it changed, or null when it changed none. */
  private static String changedNamespace(PreparedStatement statement) throws SQLException {
    try (ResultSet rows = statement.executeQuery()) {
      return rows.next() ? rows.getString(1) : null;
    }
  }

  /**
   * Why an update of {@code handle}'s grant (the handle ID opened) changed nothing, or null when
   * the grant it met would have let it: it raced with a change, and the update may be tried again.
   */
  static LeaseRejectedException explainRefusal(
      Connection connection, GrantRef handle, String owner, String holder) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(Statements.CURRENT_GRANT_SQL)) {
      statement.setLong(1, handle.resourceId());
      try (ResultSet rows = statement.executeQuery()) {
        if (!rows.next()) {
          return GrantCheck.unknown();
        }
        return GrantCheck.refusal(
            handle,
            owner,
            holder,
            rows.getLong(2),
            rows.getInt(3),
            rows.getString(1),
            rows.getString(5),
            rows.getBoolean(4));
      }
    }
  }
}
