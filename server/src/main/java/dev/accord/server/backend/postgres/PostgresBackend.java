package dev.accord.server.backend.postgres;

import com.zaxxer.hikari.HikariDataSource;
import dev.accord.server.backend.AcquireCommand;
import dev.accord.server.backend.AcquireAnswer;
import dev.accord.server.backend.Backend;
import dev.accord.server.backend.ClaimCommand;
import dev.accord.server.backend.ClaimAnswer;
import dev.accord.server.backend.BackendUnavailableException;
import dev.accord.server.backend.DoneCursor;
import dev.accord.server.backend.DonePage;
import dev.accord.server.backend.DoneCommand;
import dev.accord.server.backend.Futures;
import dev.accord.server.backend.LeaseRejectedException;
import dev.accord.server.backend.ListQuery;
import dev.accord.server.backend.RenewCommand;
import dev.accord.server.backend.Resource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
  /**
   * Batches smaller than this run the single-request statements ({@link Statements#ACQUIRE_SQL},
   * {@link Statements#DONE_SQL}).
   */
  private final int batchFrom;
  private final GrantUpdates grants;
  private final ListPages lists;
  private final DoneStream doneStream;
  private final DoneNotifier notifier;
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
    this.grants = new GrantUpdates(pool, schema);
    this.lists = new ListPages(pool, schema);
    this.doneStream = new DoneStream(pool, schema);
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
    return new PostgresBackend(settings, ConnectionPools.open(settings),
        description + ", pool " + settings.poolSize(), onClose, batchFrom);
  }

  /** The pool, for tools that need plain SQL against the same database (tests, benchmarks). */
  public DataSource dataSource() {
    return pool;
  }

  /** Creates or migrates the schema now; throws {@link BackendUnavailableException} saying why it cannot. */
  public void migrate() {
    schema.ensureMigrated();
  }

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
        PreparedStatement statement = connection.prepareStatement(Statements.ACQUIRE_SQL)) {
      statement.setString(1, command.namespace());
      statement.setString(2, command.name());
      statement.setString(3, command.namespace());
      statement.setString(4, command.name());
      statement.setString(5, command.owner());
      statement.setInt(7, command.ttlSeconds());
      ResourceRows.bindMetadata(connection, statement, 8, command.metadata());
      for (int attempt = 1; attempt <= Retries.MAX_ATTEMPTS; attempt++) {
        statement.setInt(6, ThreadLocalRandom.current().nextInt());
        try (ResultSet rows = statement.executeQuery()) {
          if (rows.next()) {
            pending.answer().complete(ResourceRows.readAcquireAnswer(rows, 1));
            return;
          }
        }
      }
      pending.answer().completeExceptionally(Retries.keptRacing(command));
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
        PreparedStatement statement = connection.prepareStatement(Statements.ACQUIRE_BATCH_SQL)) {
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
          requests.get(i).answer().complete(ResourceRows.readAcquireAnswer(rows, 2));
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
        retryOrGiveUp(pending, retry, () -> Retries.keptRacing(pending.command()));
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
          grants.done(command);
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
      try (PreparedStatement statement = connection.prepareStatement(Statements.DONE_BATCH_SQL)) {
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
              GrantUpdates.explainRefusal(connection, pending.command().handleId(), pending.command().owner());
          answered[i] = true;
          if (refusal != null) {
            pending.answer().completeExceptionally(refusal);
          } else {
            retryOrGiveUp(pending, retry, () -> Retries.keptRacing("done"));
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
    if (pending.attempt() < Retries.MAX_ATTEMPTS) {
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

  @Override
  public ClaimAnswer claim(ClaimCommand command) {
    return grants.claim(command);
  }

  @Override
  public void renew(RenewCommand command) {
    grants.renew(command);
  }

  @Override
  public List<Resource> list(ListQuery query, Resource after, int limit) {
    return lists.page(query, after, limit);
  }

  @Override
  public DoneCursor currentDoneCursor() {
    return doneStream.currentCursor();
  }

  @Override
  public DoneCursor firstDoneCursor() {
    return doneStream.firstCursor();
  }

  @Override
  public DonePage donesAfter(String namespace, DoneCursor after, int limit) {
    return doneStream.donesAfter(namespace, after, limit);
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
