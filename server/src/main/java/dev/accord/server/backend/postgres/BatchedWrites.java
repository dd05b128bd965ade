package dev.accord.server.backend.postgres;

import dev.accord.server.backend.BackendUnavailableException;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Scope;
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
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes of one kind answered in batches that {@link GroupCommit} forms. A batch smaller than
 * {@code batchFrom} runs the kind's single-request statement once per request; a larger one runs
 * one batch statement for all of them, whose result rows each start with the index of the request
 * they answer. A request left without a row is settled on its own; a batch statement that deadlocks
 * with another batch is tried again for the requests it had not answered; any other failure answers
 * them with the error. A request is tried in {@link Retries#MAX_ATTEMPTS} batches at most.
 *
 * <p>A kind says how to key, order, bind and answer its requests.
 *
 * @param <P> a waiting request of this kind
 */
abstract class BatchedWrites<P extends BatchedWrites.Pending<P>> {
  private static final Logger log = LoggerFactory.getLogger(BatchedWrites.class);

  /**
   * Requests one batch statement answers at most: bounds the statement's size and a batch's time.
   */
  static final int MAX_BATCH = 256;

  /**
   * Batches of a kind that may run at once. Two keep the database busy while one batch's answers
   * travel back and the next one forms; more would only make batches smaller.
   */
  private static final int RUNNERS_PER_KIND = 2;

  /**
   * A request waiting for its batch: {@code attempt} counts the batches that could not answer it
   * yet.
   */
  interface Pending<P extends Pending<P>> {
    CompletableFuture<?> answer();

    int attempt();

    /** The same request, one attempt later. */
    P again();

    /** When the request was first queued, in {@link System#nanoTime()}. */
    long queuedAtNanos();

    /** The span of the call that queued the request (invalid when it has none). */
    SpanContext caller();
  }

  private final String operation;
  private final String batchSql;
  private final DataSource pool;
  private final SchemaMigrator schema;
  private final int batchFrom;
  private final GroupCommit<P> queue;
  private final PostgresMeters.Batch meters;

  /**
   * @param operation the write's name in errors and logs
   * @param batchSql the batch statement
   * @param batchFrom batches smaller than this run the single-request statement for each request
   * @param runners how many batches may run at once, as {@link #runnersPerKind} allows
   * @param executor runs the batches; needs {@code runners} threads for this kind
   */
  BatchedWrites(
      String operation,
      String batchSql,
      DataSource pool,
      SchemaMigrator schema,
      int batchFrom,
      int runners,
      Executor executor,
      PostgresMeters.Batch meters) {
    this.meters = meters;
    this.operation = operation;
    this.batchSql = batchSql;
    this.pool = pool;
    this.schema = schema;
    this.batchFrom = batchFrom;
    this.queue = new GroupCommit<>(MAX_BATCH, runners, executor, this::runTraced);
  }

  /** How many batches of a kind may run at once on a pool of {@code poolSize} connections. */
  static int runnersPerKind(int poolSize) {
    // Each running batch holds a connection: leave at least one for renewals, lists and health
    // checks.
    return Math.max(1, Math.min(RUNNERS_PER_KIND, (poolSize - 1) / 2));
  }

  /**
   * A key per row written: a batch holds one request per key, so one statement never writes a row
   * twice.
   */
  abstract Object key(P request);

  /** The order of the requests in a batch statement. */
  abstract Comparator<P> order();

  /** Answers {@code request} through the single-request statement; must not throw. */
  abstract void runAlone(P request);

  /**
   * Binds the batch statement's parameters for {@code requests}, each known to it by its index in
   * the list.
   */
  abstract void bind(Connection connection, PreparedStatement statement, List<P> requests)
      throws SQLException;

  /**
   * Answers {@code request} from its row of the batch statement (the index in column 1, the answer
   * after it); false leaves it unanswered, to be settled as a request without a row.
   */
  abstract boolean answerFrom(ResultSet row, P request) throws SQLException;

  /**
   * Settles a request the batch statement returned no row for: answers it, or adds it to {@code
   * retry}.
   */
  abstract void settleUnanswered(Connection connection, P request, List<P> retry)
      throws SQLException;

  /** Queues {@code request} for a batch, or answers it UNAVAILABLE when the backend has closed. */
  final void submit(P request) {
    try {
      queue.submit(request);
    } catch (RejectedExecutionException e) {
      request
          .answer()
          .completeExceptionally(new BackendUnavailableException("the server is shutting down", e));
    }
  }

  /** {@link #runBatch} in the batch's span, current so the statements' errors land in it. */
  private void runTraced(List<P> batch) {
    Span span = BatchSpans.start(operation, batch);
    try (Scope ignored = span.makeCurrent()) {
      runBatch(batch);
    } finally {
      span.end();
    }
  }

  /** Answers a batch: every request gets its answer, its error, or a place in a later batch. */
  private void runBatch(List<P> batch) {
    long now = System.nanoTime();
    meters.size().record(batch.size());
    for (P pending : batch) {
      // A retried request's wait was recorded in its first batch.
      if (pending.attempt() == 1) {
        meters.queueWait().record(now - pending.queuedAtNanos(), TimeUnit.NANOSECONDS);
      }
    }
    if (!schemaReady(batch)) {
      return;
    }
    List<P> later = new ArrayList<>();
    List<P> requests = firstPerKey(batch, later);
    if (requests.size() < batchFrom) {
      for (P request : requests) {
        runAlone(request);
      }
    } else {
      requests.sort(order());
      later.addAll(runTogether(requests));
    }
    queue.resubmit(later);
  }

  /** Whether the schema is in place; if not, answers the whole batch with the reason. */
  private boolean schemaReady(List<P> batch) {
    try {
      schema.ensureMigrated();
      return true;
    } catch (RuntimeException e) {
      failUnanswered(batch, new boolean[batch.size()], e);
      return false;
    }
  }

  /** The first request of {@code batch} for each key; the others go to {@code later}, in order. */
  private List<P> firstPerKey(List<P> batch, List<P> later) {
    Map<Object, P> first = new LinkedHashMap<>();
    for (P pending : batch) {
      if (first.putIfAbsent(key(pending), pending) != null) {
        later.add(pending);
      }
    }
    return new ArrayList<>(first.values());
  }

  /** Runs the batch statement for {@code requests}; returns those to try again in a later batch. */
  private List<P> runTogether(List<P> requests) {
    boolean[] answered = new boolean[requests.size()];
    List<P> retry = new ArrayList<>();
    try (Connection connection = pool.getConnection()) {
      try (PreparedStatement statement = connection.prepareStatement(batchSql)) {
        bind(connection, statement, requests);
        long start = System.nanoTime();
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            int i = rows.getInt(1);
            // Marked only once answered: a row that cannot be read leaves its request to the error
            // path below.
            answered[i] = answerFrom(rows, requests.get(i));
          }
        } finally {
          meters.together().record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
      }
      for (int i = 0; i < requests.size(); i++) {
        if (!answered[i]) {
          settleUnanswered(connection, requests.get(i), retry);
          answered[i] = true;
        }
      }
      return retry;
    } catch (SQLException e) {
      retry.addAll(failOrRetry(requests, answered, e));
      return retry;
    } catch (RuntimeException e) {
      failUnanswered(requests, answered, e);
      return retry;
    }
  }

  /**
   * After a batch statement failed: a deadlock or serialization failure (another batch took the
   * same rows in another order) is retried, up to the last attempt, after which SqlErrors makes it
   * UNAVAILABLE; anything else answers every request still waiting with the error.
   */
  private List<P> failOrRetry(List<P> requests, boolean[] answered, SQLException e) {
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

  /**
   * Queues {@code pending} for another batch, or answers it with {@code givingUp} after its last
   * attempt.
   */
  static <P extends Pending<P>> void retryOrGiveUp(
      P pending, List<P> retry, Supplier<RuntimeException> givingUp) {
    if (pending.attempt() < Retries.MAX_ATTEMPTS) {
      retry.add(pending.again());
    } else {
      pending.answer().completeExceptionally(givingUp.get());
    }
  }

  private static void failUnanswered(
      List<? extends Pending<?>> requests, boolean[] answered, RuntimeException error) {
    for (int i = 0; i < requests.size(); i++) {
      if (!answered[i]) {
        requests.get(i).answer().completeExceptionally(error);
      }
    }
  }
}
