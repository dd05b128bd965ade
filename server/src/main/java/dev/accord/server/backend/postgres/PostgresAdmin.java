package dev.accord.server.backend.postgres;

import dev.accord.server.backend.DeleteCommand;
import dev.accord.server.backend.NamespaceScope;
import dev.accord.server.backend.NamespaceStats;
import dev.accord.server.backend.ResetCommand;
import dev.accord.server.backend.Resource;
import dev.accord.server.backend.ResourceNames;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The administrative operations on PostgreSQL ({@link AdminStatements}): each one autocommitted
 * statement, so a removal, its floor and its log entry commit together.
 */
final class PostgresAdmin {
  private final DataSource pool;
  private final SchemaMigrator schema;

  PostgresAdmin(DataSource pool, SchemaMigrator schema) {
    this.pool = pool;
    this.schema = schema;
  }

  NamespaceStats stats(String namespace) {
    schema.ensureMigrated();
    try (Connection connection = pool.getConnection()) {
      return stats(connection, namespace);
    } catch (SQLException e) {
      throw SqlErrors.translate("stats", e);
    }
  }

  private static NamespaceStats stats(Connection connection, String namespace) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(AdminStatements.STATS_SQL)) {
      statement.setString(1, namespace);
      statement.setString(2, namespace);
      statement.setString(3, namespace);
      statement.setString(4, namespace);
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return new NamespaceStats(
            namespace,
            rows.getLong(1),
            rows.getLong(3),
            rows.getLong(4),
            rows.getLong(5),
            rows.getLong(2),
            rows.getLong(6));
      }
    }
  }

  void expect(String namespace, long total) {
    schema.ensureMigrated();
    try (Connection connection = pool.getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                total == 0 ? AdminStatements.UNEXPECT_SQL : AdminStatements.EXPECT_SQL)) {
      statement.setString(1, namespace);
      if (total != 0) {
        statement.setLong(2, total);
      }
      statement.executeUpdate();
    } catch (SQLException e) {
      throw SqlErrors.translate("expect", e);
    }
  }

  List<NamespaceStats> namespaces(String prefix, NamespaceScope scope) {
    schema.ensureMigrated();
    try (Connection connection = pool.getConnection()) {
      List<String> names = new ArrayList<>();
      try (PreparedStatement statement =
          connection.prepareStatement(AdminStatements.NAMESPACES_SQL)) {
        statement.setString(1, prefix);
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            String namespace = rows.getString(1);
            if (scope.contains(namespace)) {
              names.add(namespace);
            }
          }
        }
      }
      List<NamespaceStats> stats = new ArrayList<>(names.size());
      for (String namespace : names) {
        NamespaceStats one = stats(connection, namespace);
        if (!one.isEmpty()) {
          stats.add(one);
        }
      }
      return stats;
    } catch (SQLException e) {
      throw SqlErrors.translate("namespaces", e);
    }
  }

  Optional<Resource> get(String namespace, String name) {
    schema.ensureMigrated();
    try (Connection connection = pool.getConnection();
        PreparedStatement statement = connection.prepareStatement(AdminStatements.GET_SQL)) {
      statement.setString(1, namespace);
      statement.setString(2, name);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next()
            ? Optional.of(ResourceRows.readResource(rows, 1, schema.handleKey()))
            : Optional.empty();
      }
    } catch (SQLException e) {
      throw SqlErrors.translate("get", e);
    }
  }

  List<String> release(ResourceNames command) {
    schema.ensureMigrated();
    try (Connection connection = pool.getConnection();
        PreparedStatement statement = connection.prepareStatement(AdminStatements.RELEASE_SQL)) {
      statement.setString(1, command.namespace());
      statement.setArray(
          2, connection.createArrayOf("text", command.names().toArray(String[]::new)));
      List<String> released = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          released.add(rows.getString(1));
        }
      }
      // In the caller's order, as the names were asked.
      return command.names().stream().filter(released::contains).toList();
    } catch (SQLException e) {
      throw SqlErrors.translate("release", e);
    }
  }

  long reset(ResetCommand command) {
    schema.ensureMigrated();
    try (Connection connection = pool.getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                command.all() ? AdminStatements.RESET_ALL_SQL : AdminStatements.RESET_NAMES_SQL)) {
      statement.setString(1, command.namespace());
      if (!command.all()) {
        statement.setArray(
            2, connection.createArrayOf("text", command.names().toArray(String[]::new)));
      }
      return count(statement);
    } catch (SQLException e) {
      throw SqlErrors.translate("reset", e);
    }
  }

  long delete(DeleteCommand command) {
    schema.ensureMigrated();
    try (Connection connection = pool.getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                command.all()
                    ? AdminStatements.DELETE_ALL_SQL
                    : AdminStatements.DELETE_DONE_BEFORE_SQL)) {
      statement.setString(1, command.namespace());
      if (!command.all()) {
        statement.setLong(2, command.doneBeforeMillis());
      }
      return count(statement);
    } catch (SQLException e) {
      throw SqlErrors.translate("delete", e);
    }
  }

  long deleteDoneBefore(long cutoffMillis, int maxRows) {
    schema.ensureMigrated();
    try (Connection connection = pool.getConnection();
        PreparedStatement statement =
            connection.prepareStatement(AdminStatements.DELETE_EXPIRED_SQL)) {
      statement.setLong(1, cutoffMillis);
      statement.setInt(2, maxRows);
      statement.setInt(3, maxRows);
      statement.setLong(4, cutoffMillis);
      return count(statement);
    } catch (SQLException e) {
      throw SqlErrors.translate("retention", e);
    }
  }

  long pruneRemovals(long beforeMillis, int maxRows) {
    schema.ensureMigrated();
    try (Connection connection = pool.getConnection();
        PreparedStatement statement =
            connection.prepareStatement(AdminStatements.PRUNE_REMOVALS_SQL)) {
      statement.setLong(1, beforeMillis);
      statement.setInt(2, maxRows);
      return count(statement);
    } catch (SQLException e) {
      throw SqlErrors.translate("removal pruning", e);
    }
  }

  private static long count(PreparedStatement statement) throws SQLException {
    try (ResultSet rows = statement.executeQuery()) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
