package dev.accord.server.backend.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.accord.server.backend.AcquireCommand;
import dev.accord.server.backend.AcquireAnswer;
import dev.accord.server.backend.AcquireAnswer.Outcome;
import dev.accord.server.backend.Backend;
import dev.accord.server.backend.ClaimCommand;
import dev.accord.server.backend.ClaimAnswer;
import dev.accord.server.backend.BackendUnavailableException;
import dev.accord.server.backend.CursorExpiredException;
import dev.accord.server.backend.DoneCursor;
import dev.accord.server.backend.DonePage;
import dev.accord.server.backend.DoneCommand;
import dev.accord.server.backend.Futures;
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
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
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

  /** Requests one batch statement answers at most: bounds the statement's size and a batch's time. */
  static final int MAX_BATCH = 256;
  /**
   * Batches of a kind that may run at once. Two keep the database busy while one batch's answers travel back and the
   * next one forms; more would only make batches smaller.
   */
  private static final int RUNNERS_PER_KIND = 2;

  private final HikariDataSource pool;
  private final SchemaMigrator schema;
  private final ExecutorService batchThreads;
  private final GroupCommit<PendingAcquire> acquires;
  private final GroupCommit<PendingDone> dones;
  /** Batches smaller than this run the single-request statements ({@link #ACQUIRE_SQL}, {@link #DONE_SQL}). */
  private final int batchFrom;
  private final DoneNotifier notifier;
  private volatile UUID store;
  private final String description;
  private final AutoCloseable onClose;

  private PostgresBackend(PostgresSettings settings, HikariDataSource pool, String description,
      AutoCloseable onClose, int batchFrom) {
    this.pool = pool;
    this.batchFrom = batchFrom;
    // Each running batch holds a connection: leave at least one for renewals, lists and health checks.
    int runners = Math.max(1, Math.min(RUNNERS_PER_KIND, (settings.poolSize() - 1) / 2));
    AtomicInteger threadCount = new AtomicInteger();
    this.batchThreads = Executors.newFixedThreadPool(2 * runners, runnable -> {
      Thread thread = new Thread(runnable, "accord-batch-" + threadCount.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    this.acquires = new GroupCommit<>(MAX_BATCH, runners, batchThreads, this::runAcquires);
    this.dones = new GroupCommit<>(MAX_BATCH, runners, batchThreads, this::runDones);
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
    return open(settings, description, onClose, 2);
  }

  /**
   * Like {@link #open(PostgresSettings, String, AutoCloseable)}; {@code batchFrom} 1 sends even a lone request
   * through the batch statements, so tests can hold those to the whole backend contract.
   */
  static PostgresBackend open(PostgresSettings settings, String description, AutoCloseable onClose, int batchFrom) {
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
        description + ", pool " + settings.poolSize(), onClose, batchFrom);
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
         WHERE o.metadata <> '{}'::jsonb
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
   * Requests for a batch statement's metadata, flattened: PostgreSQL arrays must be rectangular, so each pair carries
   * the index of its request and the statement regroups them.
   */
  private static final String BATCH_METADATA = """
      meta AS (
        SELECT m.i, jsonb_object_agg(m.k, m.v) AS metadata
          FROM unnest(?::int[], ?::text[], ?::text[]) AS m(i, k, v)
         GROUP BY m.i
      )""";

  /**
   * {@link #ACQUIRE_SQL} for many resources at once (one per name: the batch holds no name twice), answering each by
   * its index. Inserts go in name order, so two batches lock shared rows in the same order and cannot deadlock each
   * other. A request without an answer raced with a concurrent insert, as in ACQUIRE_SQL: try it again.
   */
  static final String ACQUIRE_BATCH_SQL = """
      WITH req AS (
        SELECT * FROM unnest(?::int[], ?::text[], ?::text[], ?::text[], ?::int[], ?::int[])
            AS q(i, namespace, name, owner, nonce, ttl)
      ), %s, current AS (
        SELECT q.i, c.id, c.namespace, c.name, c.owner, c.num_acquired, c.grant_nonce, c.expires_at, c.done_at,
               c.metadata
          FROM req q JOIN accord_resource c ON c.namespace = q.namespace AND c.name = q.name
      ), granted AS (
        INSERT INTO accord_resource AS r (namespace, name, owner, num_acquired, grant_nonce, expires_at, metadata)
        SELECT q.namespace, q.name, q.owner, 1, q.nonce, now() + q.ttl * interval '1 second',
               coalesce(m.metadata, '{}'::jsonb)
          FROM req q LEFT JOIN meta m ON m.i = q.i
         WHERE NOT EXISTS (SELECT 1 FROM current c
                            WHERE c.i = q.i AND (c.done_at IS NOT NULL OR c.expires_at > now()))
         ORDER BY q.namespace, q.name
        ON CONFLICT (namespace, name) DO UPDATE
           SET owner = excluded.owner,
               num_acquired = r.num_acquired + 1,
               grant_nonce = excluded.grant_nonce,
               expires_at = excluded.expires_at,
               metadata = r.metadata || excluded.metadata
         WHERE r.done_at IS NULL AND r.expires_at <= now()
        RETURNING r.id, r.namespace, r.name, r.owner, r.num_acquired, r.grant_nonce, r.expires_at, r.done_at,
                  r.metadata
      ), o AS (
        SELECT q.i, 'G' AS outcome, g.*
          FROM granted g JOIN req q ON q.namespace = g.namespace AND q.name = g.name
        UNION ALL
        SELECT c.i, CASE WHEN c.done_at IS NULL THEN 'H' ELSE 'D' END, c.id, c.namespace, c.name, c.owner,
               c.num_acquired, c.grant_nonce, c.expires_at, c.done_at, c.metadata
          FROM current c
         WHERE NOT EXISTS (SELECT 1 FROM granted g WHERE g.namespace = c.namespace AND g.name = c.name)
      )
      SELECT o.i, o.outcome, %s
        FROM o %s""".formatted(BATCH_METADATA, RESOURCE_COLUMNS, METADATA_JOIN);

  /**
   * {@link #DONE_SQL} for many grants at once (one per resource), returning the index of each request it marked, and
   * one notification per namespace rather than per mark.
   */
  static final String DONE_BATCH_SQL = """
      WITH req AS (
        SELECT * FROM unnest(?::int[], ?::bigint[], ?::bigint[], ?::int[], ?::text[])
            AS q(i, id, grant_number, nonce, owner)
      ), %s, marked AS (
        UPDATE accord_resource r
           SET done_at = now(), done_xid = pg_current_xact_id(),
               metadata = r.metadata || coalesce(m.metadata, '{}'::jsonb)
          FROM req q LEFT JOIN meta m ON m.i = q.i
         WHERE r.id = q.id AND r.num_acquired = q.grant_number AND r.grant_nonce = q.nonce AND r.owner = q.owner
           AND r.done_at IS NULL
        RETURNING q.i, r.namespace
      ), notified AS MATERIALIZED (
        SELECT pg_notify('%s', d.namespace) FROM (SELECT DISTINCT namespace FROM marked) d
      )
      SELECT m.i FROM marked m WHERE (SELECT count(*) FROM notified) >= 0""".formatted(
      BATCH_METADATA, DoneNotifier.CHANNEL);

  /**
   * A claim in one statement: look at every candidate, grant up to max of the free ones (in the caller's order) as
   * ACQUIRE_SQL would, and name the done and the held. A free-looking candidate that another caller inserted or took
   * meanwhile is not granted (the upsert re-checks against the latest committed row) and is reported as lost, which
   * the caller treats as held. Inserts go in name order, as in {@link #ACQUIRE_BATCH_SQL}.
   */
  static final String CLAIM_SQL = """
      WITH cand AS (
        SELECT c.name, c.ord FROM unnest(?::text[]) WITH ORDINALITY AS c(name, ord)
      ), seen AS (
        SELECT c.name, c.ord, r.id, r.done_at, r.expires_at
          FROM cand c LEFT JOIN accord_resource r ON r.namespace = ? AND r.name = c.name
      ), free AS (
        SELECT s.name, s.ord FROM seen s
         WHERE s.id IS NULL OR (s.done_at IS NULL AND s.expires_at <= now())
         ORDER BY s.ord
         LIMIT ?
      ), granted AS (
        INSERT INTO accord_resource AS r (namespace, name, owner, num_acquired, grant_nonce, expires_at, metadata)
        SELECT ?, f.name, ?, 1, (floor(random() * 4294967296) - 2147483648)::int, now() + ? * interval '1 second',
               jsonb_object(?::text[], ?::text[])
          FROM free f
         ORDER BY f.name
        ON CONFLICT (namespace, name) DO UPDATE
           SET owner = excluded.owner,
               num_acquired = r.num_acquired + 1,
               grant_nonce = excluded.grant_nonce,
               expires_at = excluded.expires_at,
               metadata = r.metadata || excluded.metadata
         WHERE r.done_at IS NULL AND r.expires_at <= now()
        RETURNING r.*
      ), g AS (
        SELECT f.ord, %s
          FROM granted o JOIN free f ON f.name = o.name %s
      ), summary AS (
        SELECT (SELECT array_agg(s.name ORDER BY s.ord) FROM seen s WHERE s.done_at IS NOT NULL) AS done_names,
               (SELECT array_agg(s.name ORDER BY s.ord) FROM seen s
                 WHERE s.done_at IS NULL AND s.expires_at > now()) AS held_names,
               (SELECT array_agg(f.name ORDER BY f.ord) FROM free f
                 WHERE NOT EXISTS (SELECT 1 FROM granted x WHERE x.name = f.name)) AS lost_names
      )
      SELECT summary.done_names, summary.held_names, summary.lost_names, g.*
        FROM summary LEFT JOIN g ON true
       ORDER BY g.ord""".formatted(RESOURCE_COLUMNS, METADATA_JOIN);

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

  /** A request waiting for its batch: {@code attempt} counts the batches that could not answer it yet. */
  private interface Pending<P extends Pending<P>> {
    CompletableFuture<?> answer();

    int attempt();

    /** The same request, one attempt later. */
    P again();
  }

  private record PendingAcquire(AcquireCommand command, CompletableFuture<AcquireAnswer> answer, int attempt)
      implements Pending<PendingAcquire> {
    @Override
    public PendingAcquire again() {
      return new PendingAcquire(command, answer, attempt + 1);
    }
  }

  private record PendingDone(DoneCommand command, CompletableFuture<Void> answer, int attempt)
      implements Pending<PendingDone> {
    @Override
    public PendingDone again() {
      return new PendingDone(command, answer, attempt + 1);
    }
  }

  @Override
  public AcquireAnswer acquire(AcquireCommand command) {
    return Futures.await(acquireAsync(command));
  }

  @Override
  public CompletableFuture<AcquireAnswer> acquireAsync(AcquireCommand command) {
    // Nothing here may block: the server calls this on a network thread. The batch checks the schema.
    CompletableFuture<AcquireAnswer> answer = new CompletableFuture<>();
    try {
      acquires.submit(new PendingAcquire(command, answer, 1));
    } catch (RejectedExecutionException e) {
      answer.completeExceptionally(closing(e));
    }
    return answer;
  }

  @Override
  public void done(DoneCommand command) {
    Futures.await(doneAsync(command));
  }

  @Override
  public CompletableFuture<Void> doneAsync(DoneCommand command) {
    CompletableFuture<Void> answer = new CompletableFuture<>();
    try {
      dones.submit(new PendingDone(command, answer, 1));
    } catch (RejectedExecutionException e) {
      answer.completeExceptionally(closing(e));
    }
    return answer;
  }

  /** Answers a batch of acquires: every request gets its answer, its error, or a place in a later batch. */
  private void runAcquires(List<PendingAcquire> batch) {
    if (!schemaReady(batch)) {
      return;
    }
    // A name twice in one statement would be two upserts of one row: the second waits for the next batch, where it
    // sees the first one's grant and answers HELD, exactly as if it had come a moment later.
    List<PendingAcquire> later = new ArrayList<>();
    List<PendingAcquire> requests =
        firstPerKey(batch, p -> p.command().namespace() + '\0' + p.command().name(), later);
    if (requests.size() < batchFrom) {
      for (PendingAcquire pending : requests) {
        acquireAlone(pending);
      }
    } else {
      requests.sort(Comparator.comparing((PendingAcquire p) -> p.command().namespace())
          .thenComparing(p -> p.command().name()));
      later.addAll(acquireTogether(requests));
    }
    acquires.resubmit(later);
  }

  private void acquireAlone(PendingAcquire pending) {
    AcquireCommand command = pending.command();
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
            pending.answer().complete(new AcquireAnswer(outcome(rows.getString(1)), readResource(rows, 2)));
            return;
          }
        }
      }
      pending.answer().completeExceptionally(keptRacing(command));
    } catch (SQLException e) {
      pending.answer().completeExceptionally(SqlErrors.translate("acquire", e));
    } catch (RuntimeException e) {
      pending.answer().completeExceptionally(e);
    }
  }

  /** Runs one batch statement for {@code requests}; returns those to try again in a later batch. */
  private List<PendingAcquire> acquireTogether(List<PendingAcquire> requests) {
    int n = requests.size();
    int[] index = new int[n];
    String[] namespaces = new String[n];
    String[] names = new String[n];
    String[] owners = new String[n];
    int[] nonces = new int[n];
    int[] ttls = new int[n];
    BatchMetadata metadata = new BatchMetadata();
    for (int i = 0; i < n; i++) {
      AcquireCommand command = requests.get(i).command();
      index[i] = i;
      namespaces[i] = command.namespace();
      names[i] = command.name();
      owners[i] = command.owner();
      nonces[i] = ThreadLocalRandom.current().nextInt();
      ttls[i] = command.ttlSeconds();
      metadata.add(i, command.metadata());
    }
    boolean[] answered = new boolean[n];
    try (Connection connection = pool.getConnection();
        PreparedStatement statement = connection.prepareStatement(ACQUIRE_BATCH_SQL)) {
      statement.setObject(1, index);
      statement.setArray(2, connection.createArrayOf("text", namespaces));
      statement.setArray(3, connection.createArrayOf("text", names));
      statement.setArray(4, connection.createArrayOf("text", owners));
      statement.setObject(5, nonces);
      statement.setObject(6, ttls);
      metadata.bind(connection, statement, 7);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          int i = rows.getInt(1);
          answered[i] = true;
          requests.get(i).answer().complete(new AcquireAnswer(outcome(rows.getString(2)), readResource(rows, 3)));
        }
      }
    } catch (SQLException e) {
      return failOrRetry(requests, answered, "acquire", e);
    } catch (RuntimeException e) {
      failUnanswered(requests, answered, e);
      return List.of();
    }
    List<PendingAcquire> retry = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (!answered[i]) {
        PendingAcquire pending = requests.get(i);
        retryOrGiveUp(pending, retry, () -> keptRacing(pending.command()));
      }
    }
    return retry;
  }

  /** Answers a batch of dones. */
  private void runDones(List<PendingDone> batch) {
    if (!schemaReady(batch)) {
      return;
    }
    // One done per resource, so one statement never updates a row twice.
    List<PendingDone> later = new ArrayList<>();
    List<PendingDone> requests = firstPerKey(batch, p -> p.command().handleId().resourceId(), later);
    if (requests.size() < batchFrom) {
      for (PendingDone pending : requests) {
        DoneCommand command = pending.command();
        try {
          updateGrant("done", DONE_SQL, command.handleId(), command.owner(), (connection, statement) -> {
            setMetadata(connection, statement, 1, command.metadata());
            return 3;
          });
          pending.answer().complete(null);
        } catch (RuntimeException e) {
          pending.answer().completeExceptionally(e);
        }
      }
    } else {
      requests.sort(Comparator.comparingLong(p -> p.command().handleId().resourceId()));
      later.addAll(doneTogether(requests));
    }
    dones.resubmit(later);
  }

  private List<PendingDone> doneTogether(List<PendingDone> requests) {
    int n = requests.size();
    int[] index = new int[n];
    long[] ids = new long[n];
    long[] grants = new long[n];
    int[] nonces = new int[n];
    String[] owners = new String[n];
    BatchMetadata metadata = new BatchMetadata();
    for (int i = 0; i < n; i++) {
      DoneCommand command = requests.get(i).command();
      index[i] = i;
      ids[i] = command.handleId().resourceId();
      grants[i] = command.handleId().grant();
      nonces[i] = command.handleId().nonce();
      owners[i] = command.owner();
      metadata.add(i, command.metadata());
    }
    boolean[] answered = new boolean[n];
    List<PendingDone> retry = new ArrayList<>();
    try (Connection connection = pool.getConnection()) {
      try (PreparedStatement statement = connection.prepareStatement(DONE_BATCH_SQL)) {
        statement.setObject(1, index);
        statement.setObject(2, ids);
        statement.setObject(3, grants);
        statement.setObject(4, nonces);
        statement.setArray(5, connection.createArrayOf("text", owners));
        metadata.bind(connection, statement, 6);
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            int i = rows.getInt(1);
            answered[i] = true;
            requests.get(i).answer().complete(null);
          }
        }
      }
      // Refusals are rare: explain each on its own.
      for (int i = 0; i < n; i++) {
        if (!answered[i]) {
          PendingDone pending = requests.get(i);
          LeaseRejectedException refusal =
              explainRefusal(connection, pending.command().handleId(), pending.command().owner());
          answered[i] = true;
          if (refusal != null) {
            pending.answer().completeExceptionally(refusal);
          } else {
            retryOrGiveUp(pending, retry, () -> keptRacing("done"));
          }
        }
      }
      return retry;
    } catch (SQLException e) {
      retry.addAll(failOrRetry(requests, answered, "done", e));
      return retry;
    } catch (RuntimeException e) {
      failUnanswered(requests, answered, e);
      return retry;
    }
  }

  /** The first request of {@code batch} for each key; the others go to {@code later}, in order. */
  private static <P, K> List<P> firstPerKey(List<P> batch, Function<P, K> key, List<P> later) {
    Map<K, P> first = new LinkedHashMap<>();
    for (P pending : batch) {
      if (first.putIfAbsent(key.apply(pending), pending) != null) {
        later.add(pending);
      }
    }
    return new ArrayList<>(first.values());
  }

  /** Whether the schema is in place; if not, answers the whole batch with the reason. */
  private boolean schemaReady(List<? extends Pending<?>> batch) {
    try {
      schema.ensureMigrated();
      return true;
    } catch (RuntimeException e) {
      failUnanswered(batch, new boolean[batch.size()], e);
      return false;
    }
  }

  /**
   * After a batch statement failed: a deadlock or serialization failure (another batch took the same rows in another
   * order) is retried, up to the last attempt, after which SqlErrors makes it UNAVAILABLE; anything else answers
   * every request still waiting with the error.
   */
  private static <P extends Pending<P>> List<P> failOrRetry(List<P> requests, boolean[] answered, String operation,
      SQLException e) {
    String state = e.getSQLState();
    if ("40P01".equals(state) || "40001".equals(state)) {
      List<P> retry = new ArrayList<>();
      for (int i = 0; i < requests.size(); i++) {
        if (!answered[i]) {
          retryOrGiveUp(requests.get(i), retry, () -> SqlErrors.translate(operation, e));
        }
      }
      log.debug("Batch {} raced with another batch ({}); trying again", operation, e.getMessage());
      return retry;
    }
    failUnanswered(requests, answered, SqlErrors.translate(operation, e));
    return List.of();
  }

  /** Queues {@code pending} for another batch, or answers it with {@code givingUp} after its last attempt. */
  private static <P extends Pending<P>> void retryOrGiveUp(P pending, List<P> retry,
      Supplier<RuntimeException> givingUp) {
    if (pending.attempt() < MAX_ATTEMPTS) {
      retry.add(pending.again());
    } else {
      pending.answer().completeExceptionally(givingUp.get());
    }
  }

  private static void failUnanswered(List<? extends Pending<?>> requests, boolean[] answered, RuntimeException error) {
    for (int i = 0; i < requests.size(); i++) {
      if (!answered[i]) {
        requests.get(i).answer().completeExceptionally(error);
      }
    }
  }

  private static BackendUnavailableException closing(RejectedExecutionException e) {
    return new BackendUnavailableException("the server is shutting down", e);
  }

  private static BackendUnavailableException keptRacing(String operation) {
    return new BackendUnavailableException(operation + " kept racing with concurrent changes to its resource", null);
  }

  private static BackendUnavailableException keptRacing(AcquireCommand command) {
    return new BackendUnavailableException(
        "acquire of " + command.namespace() + "/" + command.name() + " kept racing with concurrent grants", null);
  }

  private static Outcome outcome(String code) {
    return switch (code) {
      case "G" -> Outcome.GRANTED;
      case "H" -> Outcome.HELD;
      default -> Outcome.DONE;
    };
  }

  /** The metadata of a batch's requests as three parallel arrays: request index, key, value. */
  private static final class BatchMetadata {
    private final List<Integer> index = new ArrayList<>();
    private final List<String> keys = new ArrayList<>();
    private final List<String> values = new ArrayList<>();

    void add(int request, Map<String, String> metadata) {
      for (Map.Entry<String, String> entry : metadata.entrySet()) {
        index.add(request);
        keys.add(entry.getKey());
        values.add(entry.getValue());
      }
    }

    void bind(Connection connection, PreparedStatement statement, int first) throws SQLException {
      statement.setArray(first, connection.createArrayOf("int4", index.toArray(Integer[]::new)));
      statement.setArray(first + 1, connection.createArrayOf("text", keys.toArray(String[]::new)));
      statement.setArray(first + 2, connection.createArrayOf("text", values.toArray(String[]::new)));
    }
  }

  @Override
  public ClaimAnswer claim(ClaimCommand command) {
    schema.ensureMigrated();
    try (Connection connection = pool.getConnection();
        PreparedStatement statement = connection.prepareStatement(CLAIM_SQL)) {
      statement.setArray(1, connection.createArrayOf("text", command.names().toArray(String[]::new)));
      statement.setString(2, command.namespace());
      statement.setInt(3, command.max());
      statement.setString(4, command.namespace());
      statement.setString(5, command.owner());
      statement.setInt(6, command.ttlSeconds());
      setMetadata(connection, statement, 7, command.metadata());
      List<Resource> granted = new ArrayList<>();
      List<String> done = null;
      List<String> held = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          if (done == null) {
            done = names(rows.getArray(1));
            held.addAll(names(rows.getArray(2)));
            held.addAll(names(rows.getArray(3)));
          }
          if (rows.getObject(4) != null) {
            granted.add(readResource(rows, 5));
          }
        }
      }
      return new ClaimAnswer(granted, done == null ? List.of() : done, held);
    } catch (SQLException e) {
      throw SqlErrors.translate("claim", e);
    }
  }

  private static List<String> names(Array array) throws SQLException {
    return array == null ? List.of() : List.of((String[]) array.getArray());
  }

  @Override
  public void renew(RenewCommand command) {
    updateGrant("renew", RENEW_SQL, command.handleId(), command.owner(), (connection, statement) -> {
      statement.setInt(1, command.ttlSeconds());
      setMetadata(connection, statement, 2, command.metadata());
      return 4;
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
      throw keptRacing(operation);
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
  public DoneCursor firstDoneCursor() {
    schema.ensureMigrated();
    try (Connection connection = pool.getConnection()) {
      return new DoneCursor(store(connection), 0, 0);
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
    // Batches still running answer their callers (or fail them as the pool closes under them).
    batchThreads.shutdown();
    pool.close();
    try {
      onClose.close();
    } catch (Exception e) {
      log.warn("Could not stop what the PostgreSQL backend owns ({}): {}", description, e.toString(), e);
    }
  }
}
