package dev.accord.server.backend.postgres;

import dev.accord.server.backend.BackendUnavailableException;
import dev.accord.server.backend.HandleKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the database schema to this build's version with Flyway, once, the first time the database
 * answers. Concurrent servers are safe: Flyway serialises them with a PostgreSQL advisory lock. A
 * schema newer than this build (a rollback after an upgrade) is accepted, so older replicas keep
 * serving during a rolling update.
 *
 * <p>Once the schema is in place it reads the store's {@link HandleKey} (made by migration V4),
 * which never changes for a database: a store is ready to serve when both are there.
 */
final class SchemaMigrator {
  private static final Logger log = LoggerFactory.getLogger(SchemaMigrator.class);

  /**
   * The migrations, under src/main/resources; a dedicated folder so an embedding application's own
   * stay apart.
   */
  static final String LOCATION = "classpath:db/accord";

  static final String HISTORY_TABLE = "accord_schema_history";

  /**
   * After a failed attempt, calls fail fast for this long instead of each waiting on the database
   * again.
   */
  private static final long RETRY_AFTER_MILLIS = 1_000;

  private final PostgresSettings settings;
  private volatile boolean migrated;
  private volatile HandleKey handleKey;
  private long lastFailureAt;
  private BackendUnavailableException lastFailure;

  SchemaMigrator(PostgresSettings settings) {
    this.settings = settings;
  }

  /**
   * Flyway on connections of its own, not the pool's: it holds two at once (one for its lock),
   * which a small pool could not spare.
   */
  static Flyway flyway(PostgresSettings settings) {
    return Flyway.configure()
        .dataSource(settings.jdbcUrl(), settings.user(), settings.password())
        .locations(LOCATION)
        .table(HISTORY_TABLE)
        .ignoreMigrationPatterns("*:future")
        .load();
  }

  void ensureMigrated() {
    if (migrated) {
      return;
    }
    synchronized (this) {
      if (migrated) {
        return;
      }
      long now = System.nanoTime() / 1_000_000;
      if (lastFailure != null && now - lastFailureAt < RETRY_AFTER_MILLIS) {
        throw lastFailure;
      }
      try {
        Flyway flyway = flyway(settings);
        MigrateResult result = flyway.migrate();
        handleKey = readHandleKey(flyway);
        migrated = true;
        lastFailure = null;
        log.info(
            "Database schema at version {} ({} migration(s) applied now)",
            result.targetSchemaVersion != null
                ? result.targetSchemaVersion
                : result.initialSchemaVersion,
            result.migrationsExecuted);
      } catch (FlywayException | SQLException e) {
        lastFailureAt = now;
        lastFailure =
            new BackendUnavailableException(
                "database schema not ready: " + SqlErrors.describe(e), e);
        throw lastFailure;
      }
    }
  }

  /** The store's handle key, once the schema is in place; see {@link #ensureMigrated}. */
  HandleKey handleKey() {
    ensureMigrated();
    return handleKey;
  }

  private static HandleKey readHandleKey(Flyway flyway) throws SQLException {
    try (Connection connection = flyway.getConfiguration().getDataSource().getConnection();
        PreparedStatement statement = connection.prepareStatement(Statements.HANDLE_KEY_SQL);
        ResultSet rows = statement.executeQuery()) {
      if (!rows.next()) {
        throw new SQLException("accord_store has no row: the schema was not made by Accord");
      }
      return HandleKey.of("accord_store.handle_key", rows.getBytes(1));
    }
  }
}
