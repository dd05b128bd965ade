package dev.accord.server.backend.postgres;

import com.zaxxer.hikari.HikariDataSource;
import dev.accord.server.backend.AcquireAnswer;
import dev.accord.server.backend.AcquireCommand;
import dev.accord.server.backend.Backend;
import dev.accord.server.backend.BackendUnavailableException;
import dev.accord.server.backend.ClaimAnswer;
import dev.accord.server.backend.ClaimCommand;
import dev.accord.server.backend.DeleteCommand;
import dev.accord.server.backend.DoneCommand;
import dev.accord.server.backend.DoneCursor;
import dev.accord.server.backend.DonePage;
import dev.accord.server.backend.Futures;
import dev.accord.server.backend.HandleKey;
import dev.accord.server.backend.ListQuery;
import dev.accord.server.backend.NamespaceScope;
import dev.accord.server.backend.NamespaceStats;
import dev.accord.server.backend.RenewCommand;
import dev.accord.server.backend.ResetCommand;
import dev.accord.server.backend.Resource;
import dev.accord.server.backend.ResourceNames;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL backend: one row per resource, every lease timed by the database's {@code now()},
 * every call a single autocommitted statement (plus a read to explain a refusal). The schema is
 * created and migrated by {@link SchemaMigrator} the first time the database answers, so the server
 * can start before its database.
 *
 * <p>Acquires and dones from concurrent callers share statements ({@link BatchedAcquires}, {@link
 * BatchedDones}); the other calls each run their own ({@link GrantUpdates}, {@link ListPages},
 * {@link DoneStream}).
 */
public final class PostgresBackend implements Backend {
  private static final Logger log = LoggerFactory.getLogger(PostgresBackend.class);

  private final HikariDataSource pool;

  /** The pool as the statements use it: refusing at once while the database is unreachable. */
  private final FailFastPool statements;

  private final SchemaMigrator schema;
  private final ExecutorService batchThreads;
  private final BatchedAcquires acquires;
  private final BatchedDones dones;
  private final GrantUpdates grants;
  private final ListPages lists;
  private final DoneStream doneStream;
  private final PostgresAdmin admin;
  private final DoneNotifier notifier;
  private final DoneAnnouncer announcer;
  private final String description;
  private final AutoCloseable onClose;
  private final PostgresMeters meters;

  private PostgresBackend(
      PostgresSettings settings,
      HikariDataSource pool,
      String description,
      AutoCloseable onClose,
      int batchFrom,
      PostgresMeters meters) {
    this.meters = meters;
    this.pool = pool;
    this.statements = new FailFastPool(pool);
    this.schema = new SchemaMigrator(settings);
    int runners = BatchedWrites.runnersPerKind(settings.poolSize());
    AtomicInteger threadCount = new AtomicInteger();
    this.batchThreads =
        Executors.newFixedThreadPool(
            2 * runners,
            runnable -> {
              Thread thread = new Thread(runnable, "accord-batch-" + threadCount.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    this.grants = new GrantUpdates(statements, schema, meters);
    this.announcer = new DoneAnnouncer(statements);
    this.acquires =
        new BatchedAcquires(statements, schema, batchFrom, runners, batchThreads, meters.acquire);
    this.dones =
        new BatchedDones(
            statements, schema, grants, announcer, batchFrom, runners, batchThreads, meters.done);
    this.lists = new ListPages(statements, schema);
    this.doneStream = new DoneStream(statements, schema);
    this.admin = new PostgresAdmin(statements, schema);
    this.notifier = new DoneNotifier(settings);
    this.description = description;
    this.onClose = onClose;
  }

  /**
   * Opens a pool to the database; connects lazily, so an unreachable database fails calls, not the
   * start.
   */
  public static PostgresBackend open(PostgresSettings settings) {
    return open(settings, "PostgreSQL " + settings.describe(), () -> {});
  }

  /** Like {@link #open(PostgresSettings)}, running {@code onClose} after the pool has closed. */
  public static PostgresBackend open(
      PostgresSettings settings, String description, AutoCloseable onClose) {
    return open(settings, description, onClose, 2, PostgresMeters.off());
  }

  /**
   * Like {@link #open(PostgresSettings)}, recording its meters and its pool's in {@code registry}.
   */
  public static PostgresBackend open(PostgresSettings settings, MeterRegistry registry) {
    return open(settings, "PostgreSQL " + settings.describe(), () -> {}, registry);
  }

  /**
   * Like {@link #open(PostgresSettings, String, AutoCloseable)}, recording its meters and its
   * pool's in {@code registry}.
   */
  public static PostgresBackend open(
      PostgresSettings settings,
      String description,
      AutoCloseable onClose,
      MeterRegistry registry) {
    return open(settings, description, onClose, 2, new PostgresMeters(registry));
  }

  /**
   * Like {@link #open(PostgresSettings, String, AutoCloseable)}; {@code batchFrom} 1 sends even a
   * lone request through the batch statements, so tests can hold those to the whole backend
   * contract.
   */
  static PostgresBackend open(
      PostgresSettings settings, String description, AutoCloseable onClose, int batchFrom) {
    return open(settings, description, onClose, batchFrom, PostgresMeters.off());
  }

  private static PostgresBackend open(
      PostgresSettings settings,
      String description,
      AutoCloseable onClose,
      int batchFrom,
      PostgresMeters meters) {
    return new PostgresBackend(
        settings,
        ConnectionPools.open(settings, meters.registry),
        description + ", pool " + settings.poolSize(),
        onClose,
        batchFrom,
        meters);
  }

  /** The pool, for tools that need plain SQL against the same database (tests, benchmarks). */
  public DataSource dataSource() {
    return statements;
  }

  /** The key of this database's handle IDs, for tests that build IDs a client could hold. */
  HandleKey handleKey() {
    return schema.handleKey();
  }

  /**
   * Creates or migrates the schema now; throws {@link BackendUnavailableException} saying why it
   * cannot.
   */
  public void migrate() {
    schema.ensureMigrated();
  }

  @Override
  public AcquireAnswer acquire(AcquireCommand command) {
    return Futures.await(acquireAsync(command));
  }

  @Override
  public CompletableFuture<AcquireAnswer> acquireAsync(AcquireCommand command) {
    // Nothing here may block: the server calls this on a network thread.
    return acquires.acquire(command);
  }

  @Override
  public ClaimAnswer claim(ClaimCommand command) {
    return grants.claim(command);
  }

  @Override
  public void renew(RenewCommand command) {
    grants.renew(command);
  }

  @Override
  public void done(DoneCommand command) {
    Futures.await(doneAsync(command));
  }

  @Override
  public CompletableFuture<Void> doneAsync(DoneCommand command) {
    return dones.done(command);
  }

  @Override
  public List<Resource> list(ListQuery query, Resource after, int limit) {
    long start = System.nanoTime();
    try {
      return lists.page(query, after, limit);
    } finally {
      meters.list.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public DoneCursor currentDoneCursor() {
    long start = System.nanoTime();
    try {
      return doneStream.currentCursor();
    } finally {
      meters.doneHorizon.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public DoneCursor firstDoneCursor() {
    return doneStream.firstCursor();
  }

  @Override
  public DonePage donesAfter(
      String namespace, DoneCursor after, DoneCursor removalsAfter, int limit) {
    long start = System.nanoTime();
    try {
      return doneStream.donesAfter(namespace, after, removalsAfter, limit);
    } finally {
      meters.donesAfter.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public AutoCloseable subscribeDone(Consumer<String> listener) {
    return notifier.subscribe(listener);
  }

  @Override
  public NamespaceStats stats(String namespace) {
    long start = System.nanoTime();
    try {
      return admin.stats(namespace);
    } finally {
      meters.stats.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public List<NamespaceStats> namespaces(String prefix, NamespaceScope scope) {
    long start = System.nanoTime();
    try {
      return admin.namespaces(prefix, scope);
    } finally {
      meters.namespaces.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public void expect(String namespace, long total) {
    admin.expect(namespace, total);
  }

  @Override
  public Optional<Resource> get(String namespace, String name) {
    return admin.get(namespace, name);
  }

  @Override
  public List<String> release(ResourceNames command) {
    return admin.release(command);
  }

  @Override
  public long reset(ResetCommand command) {
    return admin.reset(command);
  }

  @Override
  public long delete(DeleteCommand command) {
    return admin.delete(command);
  }

  @Override
  public long deleteDoneBefore(long cutoffMillis, int maxRows) {
    return admin.deleteDoneBefore(cutoffMillis, maxRows);
  }

  @Override
  public long pruneRemovals(long beforeMillis, int maxRows) {
    return admin.pruneRemovals(beforeMillis, maxRows);
  }

  @Override
  public double doneStreamLagSeconds() {
    schema.ensureMigrated();
    try (Connection connection = statements.getConnection();
        PreparedStatement statement = connection.prepareStatement(Statements.DONE_STREAM_LAG_SQL);
        ResultSet rows = statement.executeQuery()) {
      rows.next();
      return rows.getDouble(1);
    } catch (SQLException e) {
      throw SqlErrors.translate("done stream lag", e);
    }
  }

  /**
   * Asks the pool itself (not the fail-fast view of it), so it is also what tells the statements
   * the database is back.
   */
  @Override
  public void checkHealth() {
    try (Connection connection = pool.getConnection();
        PreparedStatement statement = connection.prepareStatement("SELECT 1");
        ResultSet rows = statement.executeQuery()) {
      rows.next();
      statements.reached();
    } catch (SQLException e) {
      statements.failedToConnect(e);
      throw new BackendUnavailableException("database unreachable: " + SqlErrors.describe(e), e);
    }
    schema.ensureMigrated();
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public void close() {
    notifier.close();
    announcer.close();
    // Batches still running answer their callers (or fail them as the pool closes under them).
    batchThreads.shutdown();
    pool.close();
    try {
      onClose.close();
    } catch (Exception e) {
      log.warn(
          "Could not stop what the PostgreSQL backend owns ({}): {}", description, e.toString(), e);
    }
  }
}
