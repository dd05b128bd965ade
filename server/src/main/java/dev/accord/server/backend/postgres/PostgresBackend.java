package dev.accord.server.backend.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.accord.server.backend.AcquireCommand;
import dev.accord.server.backend.AcquireResult;
import dev.accord.server.backend.AcquireResult.Outcome;
import dev.accord.server.backend.Backend;
import dev.accord.server.backend.BackendUnavailableException;
import dev.accord.server.backend.CursorExpiredException;
import dev.accord.server.backend.DoneCursor;
import dev.accord.server.backend.DonePage;
import dev.accord.server.backend.DoneCommand;
import dev.accord.server.backend.GrantCheck;
import dev.accord.server.backend.HandleId;
import dev.accord.server.backend.LeaseRejectedException;
import dev.accord.server.backend.ListQuery;
import dev.accord.server.backend.RenewCommand;
import dev.accord.server.backend.Resource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL backend: one row per resource, every lease timed by the database's {@code now()}, every call a
 * single autocommitted statement (plus a read to explain a refusal). The schema is created and migrated by
 * {@link SchemaMigrator} the first time the database answers, so the server can start before its database.
 */
public final class PostgresBackend implements Backend {
  private static final Logger log = LoggerFactory.getLogger(PostgresBackend.class);

  /**
   * A statement that raced with a concurrent change to its row (an insert it could not see yet, a grant that moved
   * between an update and the read explaining its refusal) is tried again this many times at most.
   */
  private static final int MAX_ATTEMPTS = 5;

  private final HikariDataSource pool;
  private final SchemaMigrator schema;
  private final DoneNotifier notifier;
  private volatile UUID store;
  private final String description;
  private final AutoCloseable onClose;

  private PostgresBackend(PostgresSettings settings, HikariDataSource pool, String description,
      AutoCloseable onClose) {
    this.pool = pool;
    this.schema = new SchemaMigrator(settings);
    this.notifier = new DoneNotifier(settings);
    this.description = description;
    this.onClose = onClose;
  }

  /** Opens a pool to the database; connects lazily, so an unreachable database fails calls, not the start. */
  public static PostgresBackend open(PostgresSettings settings) {
    return open(settings, "PostgreSQL " + settings.describe(), () -> {});
  }

  /** Like {@link #open(PostgresSettings)}, running {@code onClose} after the pool has closed. */
  public static PostgresBackend open(PostgresSettings settings, String description, AutoCloseable onClose) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("accord-postgres");
    config.setJdbcUrl(settings.jdbcUrl());
    if (settings.user() != null) {
      config.setUsername(settings.user());
    }
    if (settings.password() != null) {
      config.setPassword(settings.password());
    }
    config.setMaximumPoolSize(settings.poolSize());
    config.setMinimumIdle(settings.poolSize());
    // Fail a call within seconds when the database is gone: the client sees UNAVAILABLE and retries.
    config.setConnectionTimeout(3_000);
    config.setValidationTimeout(2_000);
    // Start even while the database is down; the health check reports it until it is back.
    config.setInitializationFailTimeout(-1);
    addDefault(settings.jdbcUrl(), config, "ApplicationName", "accord-server");
    addDefault(settings.jdbcUrl(), config, "connectTimeout", "5");
    // A database host that vanishes mid-query must not hang a call for the minutes TCP takes to notice.
    addDefault(settings.jdbcUrl(), config, "socketTimeout", "30");
    addDefault(settings.jdbcUrl(), config, "tcpKeepAlive", "true");
    return new PostgresBackend(settings, new HikariDataSource(config),
        description + ", pool " + settings.poolSize(), onClose);
  }

  private static void addDefault(String url, HikariConfig config, String property, String value) {
    if (!url.toLowerCase().contains(property.toLowerCase() + "=")) {
      config.addDataSourceProperty(property, value);
    }
  }

  /** The pool, for tools that need plain SQL against the same database (tests, benchmarks). */
  public DataSource dataSource() {
    return pool;
  }

  /** Creates or migrates the schema now; throws {@link BackendUnavailableException} saying why it cannot. */
  public void migrate() {
    schema.ensureMigrated();
  }

  private static final String RESOURCE_COLUMNS = """
      o.id, o.namespace, o.name, o.owner, o.num_acquired, o.grant_nonce,
      floor(extract(epoch FROM o.expires_at) * 1000)::bigint AS expires_ms,
      coalesce(floor(extract(epoch FROM o.done_at) * 1000)::bigint, 0) AS done_ms,
      m.meta_keys, m.meta_values""";

  // Keys and values travel as two text arrays both ways: PostgreSQL builds and splits the JSON itself.
  private static final String METADATA_JOIN = """
      LEFT JOIN LATERAL (
        SELECT array_agg(e.key) AS meta_keys, array_agg(e.value) AS meta_values FROM jsonb_each_text(o.metadata) e
      ) m ON true""";

  /**
   * Acquire in one statement: read the resource; unless that shows it held or done, insert it or take over its
   * expired lease (the upsert re-checks against the latest committed row). A resource found held or done costs a
   * read only: no row lock, no WAL, no commit flush. Reads see the statement's snapshot, so a row inserted
   * concurrently and committed after it is invisible to them and the statement can return nothing; the next
   * attempt sees it.
   *
   * <p>Parameters: namespace, name, namespace, name, owner, grant nonce (int), ttl seconds (int), metadata keys
   * (text[]), metadata values (text[]). Public so the benchmark can give pgbench the very statement the server runs.
   */
  public static final String ACQUIRE_SQL = """
      WITH current AS (
        SELECT c.* FROM accord_resource c WHERE c.namespace = ? AND c.name = ?
      ), granted AS (
        INSERT INTO accord_resource AS r (namespace, name, owner, num_acquired, grant_nonce, expires_at, metadata)
        SELECT ?, ?, ?, 1, ?, now() + ? * interval '1 second', jsonb_object(?::text[], ?::text[])
         WHERE NOT EXISTS (SELECT 1 FROM current WHERE done_at IS NOT NULL OR expires_at > now())
        ON CONFLICT (namespace, name) DO UPDATE
           SET owner = excluded.owner,
               num_acquired = r.num_acquired + 1,
               grant_nonce = excluded.grant_nonce,
               expires_at = excluded.expires_at,
               metadata = r.metadata || excluded.metadata
         WHERE r.done_at IS NULL AND r.expires_at <= now()
        RETURNING r.*
      ), o AS (
        SELECT 'G' AS outcome, g.* FROM granted g
        UNION ALL
        SELECT CASE WHEN c.done_at IS NULL THEN 'H' ELSE 'D' END, c.* FROM current c
         WHERE NOT EXISTS (SELECT 1 FROM granted)
      )
      SELECT o.outcome, %s
        FROM o %s""".formatted(RESOURCE_COLUMNS, METADATA_JOIN);

  /**
   * Parameters: ttl seconds (int; 0 releases), metadata keys (text[]), metadata values (text[]), resource id
   * (bigint), grant number (int), grant nonce (int), owner.
   */
  public static final String RENEW_SQL = """
      UPDATE accord_resource
         SET expires_at = now() + ? * interval '1 second', metadata = metadata || jsonb_object(?::text[], ?::text[])
       WHERE id = ? AND num_acquired = ? AND grant_nonce = ? AND owner = ? AND done_at IS NULL""";

  /**
   * Marks done and tells every replica's watchers, on commit, which namespace to look at. Parameters: metadata keys
   * (text[]), metadata values (text[]), resource id (bigint), grant number (int), grant nonce (int), owner.
   */
  public static final String DONE_SQL = """
      WITH marked AS (
        UPDATE accord_resource
           SET done_at = now(), done_xid = pg_current_xact_id(),
               metadata = metadata || jsonb_object(?::text[], ?::text[])
         WHERE id = ? AND num_acquired = ? AND grant_nonce = ? AND owner = ? AND done_at IS NULL
        RETURNING namespace
      )
      SELECT pg_notify('%s', namespace) FROM marked""".formatted(DoneNotifier.CHANNEL);

  /**
   * A page of done marks after a cursor, in transaction order, taking only those older than the snapshot's xmin:
   * every transaction below it has ended, so no mark can still appear before the returned cursor. Also says whether
   * marks exist at or past the horizon, which the next call will return once it moves.
   */
  static final String DONES_AFTER_SQL = """
      WITH h AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS horizon)
      SELECT h.horizon::text::bigint,
             EXISTS (SELECT 1 FROM accord_resource p
                      WHERE p.namespace = ? AND p.done_xid IS NOT NULL AND p.done_xid >= h.horizon),
             page.names, page.xids, page.ids
        FROM h
        LEFT JOIN LATERAL (
          SELECT array_agg(r.name ORDER BY r.done_xid, r.id) AS names,
                 array_agg(r.done_xid::text::bigint ORDER BY r.done_xid, r.id) AS xids,
                 array_agg(r.id ORDER BY r.done_xid, r.id) AS ids
            FROM (SELECT name, done_xid, id FROM accord_resource
                   WHERE namespace = ? AND done_xid IS NOT NULL
                     AND (done_xid, id) > (?::text::xid8, ?) AND done_xid < h.horizon
                   ORDER BY done_xid, id
                   LIMIT ?) r
        ) page ON true""";

  private static final String CURRENT_GRANT_SQL =
      "SELECT owner, num_acquired, grant_nonce, done_at IS NOT NULL FROM accord_resource WHERE id = ?";

  @Override
  public AcquireResult acquire(AcquireCommand command) {
    schema.ensureMigrated();
    try (Connection connection = pool.getConnection();
        PreparedStatement statement = connection.prepareStatement(ACQUIRE_SQL)) {
      statement.setString(1, command.namespace());
      statement.setString(2, command.name());
      statement.setString(3, command.namespace());
      statement.setString(4, command.name());
      statement.setString(5, command.owner());
      statement.setInt(7, command.ttlSeconds());
      setMetadata(connection, statement, 8, command.metadata());
      for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        statement.setInt(6, ThreadLocalRandom.current().nextInt());
        try (ResultSet rows = statement.executeQuery()) {
          if (rows.next()) {
            Outcome outcome = switch (rows.getString(1)) {
              case "G" -> Outcome.GRANTED;
              case "H" -> Outcome.HELD;
              default -> Outcome.DONE;
            };
            return new AcquireResult(outcome, readResource(rows, 2));
          }
        }
      }
      throw new BackendUnavailableException(
          "acquire of " + command.namespace() + "/" + command.name() + " kept racing with concurrent grants", null);
    } catch (SQLException e) {
      throw SqlErrors.translate("acquire", e);
    }
  }

  @Override
  public void renew(RenewCommand command) {
    updateGrant("renew", RENEW_SQL, command.handleId(), command.owner(), (connection, statement) -> {
      statement.setInt(1, command.ttlSeconds());
      setMetadata(connection, statement, 2, command.metadata());
      return 4;
    });
  }

  @Override
  public void done(DoneCommand command) {
    updateGrant("done", DONE_SQL, command.handleId(), command.owner(), (connection, statement) -> {
      setMetadata(connection, statement, 1, command.metadata());
      return 3;
    });
  }

  /** Binds an update's own parameters and returns the index of its first WHERE parameter. */
  private interface UpdateBinder {
    int bind(Connection connection, PreparedStatement statement) throws SQLException;
  }

  private void updateGrant(String operation, String sql, HandleId handle, String owner, UpdateBinder binder) {
    schema.ensureMigrated();
    try (Connection connection = pool.getConnection()) {
      // The grant may change between the update and the read that explains a refusal: then look again.
      for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
          int where = binder.bind(connection, statement);
          statement.setLong(where, handle.resourceId());
          statement.setLong(where + 1, handle.grant());
          statement.setInt(where + 2, handle.nonce());
          statement.setString(where + 3, owner);
          if (changedOneRow(statement)) {
            return;
          }
        }
        LeaseRejectedException refusal = explainRefusal(connection, handle, owner);
        if (refusal != null) {
          throw refusal;
        }
      }
      throw new BackendUnavailableException(operation + " kept racing with concurrent changes to its resource", null);
    } catch (SQLException e) {
      throw SqlErrors.translate(operation, e);
    }
  }

  /** Counts the rows an UPDATE changed, or a statement returned (one row per changed row). */
  private static boolean changedOneRow(PreparedStatement statement) throws SQLException {
    if (!statement.execute()) {
      return statement.getUpdateCount() == 1;
    }
    try (ResultSet rows = statement.getResultSet()) {
      return rows.next();
    }
  }

  private static LeaseRejectedException explainRefusal(Connection connection, HandleId handle, String owner)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(CURRENT_GRANT_SQL)) {
      statement.setLong(1, handle.resourceId());
      try (ResultSet rows = statement.executeQuery()) {
        if (!rows.next()) {
          return GrantCheck.unknown();
        }
        return GrantCheck.refusal(handle, owner, rows.getLong(2), rows.getInt(3), rows.getString(1), rows.getBoolean(4));
      }
    }
  }

  @Override
  public List<Resource> list(ListQuery query, Resource after, int limit) {
    schema.ensureMigrated();
    StringBuilder sql = new StringBuilder("SELECT ").append(RESOURCE_COLUMNS)
        .append(" FROM accord_resource o ").append(METADATA_JOIN)
        .append(" WHERE starts_with(o.namespace, ?)");
    switch (query.state()) {
      case DONE -> sql.append(" AND o.done_at IS NOT NULL");
      case PENDING -> sql.append(" AND o.done_at IS NULL");
      case ALL -> { }
    }
    if (!query.metadata().isEmpty()) {
      sql.append(" AND o.metadata @> jsonb_object(?::text[], ?::text[])");
    }
    if (after != null) {
      sql.append(" AND o.id < ?");
    }
    sql.append(" ORDER BY o.id DESC LIMIT ?");
    if (after == null && query.offset() > 0) {
      sql.append(" OFFSET ?");
    }
    try (Connection connection = pool.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql.toString())) {
      int index = 1;
      statement.setString(index++, query.prefix());
      if (!query.metadata().isEmpty()) {
        setMetadata(connection, statement, index, query.metadata());
        index += 2;
      }
      if (after != null) {
        statement.setLong(index++, after.handleId().resourceId());
      }
      statement.setInt(index++, limit);
      if (after == null && query.offset() > 0) {
        statement.setLong(index, query.offset());
      }
      List<Resource> page = new ArrayList<>(limit);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          page.add(readResource(rows, 1));
        }
      }
      return page;
    } catch (SQLException e) {
      throw SqlErrors.translate("list", e);
    }
  }

  private static void setMetadata(Connection connection, PreparedStatement statement, int index,
      Map<String, String> metadata) throws SQLException {
    String[] keys = new String[metadata.size()];
    String[] values = new String[metadata.size()];
    int i = 0;
    for (Map.Entry<String, String> entry : metadata.entrySet()) {
      keys[i] = entry.getKey();
      values[i++] = entry.getValue();
    }
    statement.setArray(index, connection.createArrayOf("text", keys));
    statement.setArray(index + 1, connection.createArrayOf("text", values));
  }

  /** Reads the columns of {@link #RESOURCE_COLUMNS}, the first at {@code first}. */
  private static Resource readResource(ResultSet rows, int first) throws SQLException {
    long id = rows.getLong(first);
    long grant = rows.getLong(first + 4);
    HandleId handle = new HandleId(id, grant, rows.getInt(first + 5));
    return new Resource(handle, rows.getString(first + 1), rows.getString(first + 2), rows.getString(first + 3),
        rows.getLong(first + 6), rows.getLong(first + 7), grant,
        readMetadata(rows.getArray(first + 8), rows.getArray(first + 9)));
  }

  private static Map<String, String> readMetadata(Array keys, Array values) throws SQLException {
    if (keys == null) {
      return Map.of();
    }
    String[] k = (String[]) keys.getArray();
    String[] v = (String[]) values.getArray();
    Map<String, String> metadata = new HashMap<>(k.length * 2);
    for (int i = 0; i < k.length; i++) {
      metadata.put(k[i], v[i]);
    }
    return Map.copyOf(metadata);
  }

  @Override
  public DoneCursor currentDoneCursor() {
    schema.ensureMigrated();
    try (Connection connection = pool.getConnection();
        PreparedStatement statement = connection.prepareStatement(
            "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint");
        ResultSet rows = statement.executeQuery()) {
      rows.next();
      return new DoneCursor(store(connection), rows.getLong(1), 0);
    } catch (SQLException e) {
      throw SqlErrors.translate("watch", e);
    }
  }

  @Override
  public DonePage donesAfter(String namespace, DoneCursor after, int limit) {
    schema.ensureMigrated();
    try (Connection connection = pool.getConnection()) {
      if (!after.store().equals(store(connection))) {
        throw new CursorExpiredException("cursor was issued by another Accord database: list again");
      }
      try (PreparedStatement statement = connection.prepareStatement(DONES_AFTER_SQL)) {
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
            return new DonePage(List.of(), after.isAtOrAfter(atHorizon) ? after : atHorizon, pendingPastHorizon);
          }
          List<String> page = List.of((String[]) names.getArray());
          if (page.size() == limit) {
            Long[] xids = (Long[]) rows.getArray(4).getArray();
            Long[] ids = (Long[]) rows.getArray(5).getArray();
            return new DonePage(page, new DoneCursor(after.store(), xids[limit - 1], ids[limit - 1]), true);
          }
          return new DonePage(page, new DoneCursor(after.store(), horizon, 0), pendingPastHorizon);
        }
      }
    } catch (SQLException e) {
      throw SqlErrors.translate("watch", e);
    }
  }

  private UUID store(Connection connection) throws SQLException {
    UUID known = store;
    if (known == null) {
      try (PreparedStatement statement = connection.prepareStatement("SELECT id FROM accord_store");
          ResultSet rows = statement.executeQuery()) {
        rows.next();
        known = rows.getObject(1, UUID.class);
        store = known;
      }
    }
    return known;
  }

  @Override
  public AutoCloseable subscribeDone(Consumer<String> listener) {
    return notifier.subscribe(listener);
  }

  @Override
  public void checkHealth() {
    schema.ensureMigrated();
    try (Connection connection = pool.getConnection();
        PreparedStatement statement = connection.prepareStatement("SELECT 1");
        ResultSet rows = statement.executeQuery()) {
      rows.next();
    } catch (SQLException e) {
      throw new BackendUnavailableException("database unreachable: " + e.getMessage(), e);
    }
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public void close() {
    notifier.close();
    pool.close();
    try {
      onClose.close();
    } catch (Exception e) {
      log.warn("Could not stop what the PostgreSQL backend owns ({}): {}", description, e.toString(), e);
    }
  }
}
