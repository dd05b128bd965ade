package dev.accord.server.backend.postgres;

import dev.accord.server.backend.AcquireAnswer;
import dev.accord.server.backend.AcquireCommand;
import dev.accord.server.backend.GrantCheck;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.SpanContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * Acquires, answered in batches: alone through {@link Statements#ACQUIRE_SQL}, together through
 * {@link Statements#ACQUIRE_BATCH_SQL}. Either may find no row, or a stale one, for a request that
 * raced with a concurrent insert or takeover; that request is tried again.
 */
final class BatchedAcquires extends BatchedWrites<BatchedAcquires.PendingAcquire> {
  record PendingAcquire(
      AcquireCommand command,
      CompletableFuture<AcquireAnswer> answer,
      int attempt,
      long queuedAtNanos,
      SpanContext caller)
      implements Pending<PendingAcquire> {
    @Override
    public PendingAcquire again() {
      return new PendingAcquire(command, answer, attempt + 1, queuedAtNanos, caller);
    }
  }

  private final DataSource pool;
  private final SchemaMigrator schema;
  private final Timer alone;

  BatchedAcquires(
      DataSource pool,
      SchemaMigrator schema,
      int batchFrom,
      int runners,
      Executor executor,
      PostgresMeters.Batch meters) {
    super(
        "acquire",
        Statements.ACQUIRE_BATCH_SQL,
        pool,
        schema,
        batchFrom,
        runners,
        executor,
        meters);
    this.alone = meters.alone();
    this.pool = pool;
    this.schema = schema;
  }

  /** Queues {@code command}; nothing here blocks, and the batch checks the schema. */
  CompletableFuture<AcquireAnswer> acquire(AcquireCommand command) {
    CompletableFuture<AcquireAnswer> answer = new CompletableFuture<>();
    submit(new PendingAcquire(command, answer, 1, System.nanoTime(), BatchSpans.caller()));
    return answer;
  }

  /**
   * A name twice in one statement would be two upserts of one row: the second waits for the next
   * batch, where it sees the first one's grant and answers HELD, exactly as if it had come a moment
   * later.
   */
  @Override
  Object key(PendingAcquire pending) {
    return pending.command().namespace() + '\0' + pending.command().name();
  }

  @Override
  Comparator<PendingAcquire> order() {
    return Comparator.comparing((PendingAcquire p) -> p.command().namespace())
        .thenComparing(p -> p.command().name());
  }

  @Override
  void runAlone(PendingAcquire pending) {
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
      statement.setString(10, command.holder());
      for (int attempt = 1; attempt <= Retries.MAX_ATTEMPTS; attempt++) {
        statement.setInt(6, GrantCheck.newNonce());
        long start = System.nanoTime();
        try (ResultSet rows = statement.executeQuery()) {
          alone.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
          if (rows.next() && (!ResourceRows.isStale(rows, 1) || attempt == Retries.MAX_ATTEMPTS)) {
            pending.answer().complete(ResourceRows.readAcquireAnswer(rows, 1, schema.handleKey()));
            return;
          }
        } catch (SQLException e) {
          // A delete of the same name committed while this insert waited on its row: look again.
          if (!SqlErrors.isSerializationFailure(e) || attempt == Retries.MAX_ATTEMPTS) {
            throw e;
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

  @Override
  void bind(Connection connection, PreparedStatement statement, List<PendingAcquire> requests)
      throws SQLException {
    int n = requests.size();
    int[] index = new int[n];
    String[] namespaces = new String[n];
    String[] names = new String[n];
    String[] owners = new String[n];
    int[] nonces = new int[n];
    int[] ttls = new int[n];
    String[] holders = new String[n];
    BatchMetadata metadata = new BatchMetadata();
    for (int i = 0; i < n; i++) {
      AcquireCommand command = requests.get(i).command();
      index[i] = i;
      namespaces[i] = command.namespace();
      names[i] = command.name();
      owners[i] = command.owner();
      nonces[i] = GrantCheck.newNonce();
      ttls[i] = command.ttlSeconds();
      holders[i] = command.holder();
      metadata.add(i, command.metadata());
    }
    statement.setObject(1, index);
    statement.setArray(2, connection.createArrayOf("text", namespaces));
    statement.setArray(3, connection.createArrayOf("text", names));
    statement.setArray(4, connection.createArrayOf("text", owners));
    statement.setObject(5, nonces);
    statement.setObject(6, ttls);
    statement.setArray(7, connection.createArrayOf("text", holders));
    metadata.bind(connection, statement, 8);
  }

  /** A stale row (see {@link Statements#ACQUIRE_SQL}) leaves the request for another batch. */
  @Override
  boolean answerFrom(ResultSet row, PendingAcquire pending) throws SQLException {
    if (ResourceRows.isStale(row, 2) && pending.attempt() < Retries.MAX_ATTEMPTS) {
      return false;
    }
    pending.answer().complete(ResourceRows.readAcquireAnswer(row, 2, schema.handleKey()));
    return true;
  }

  @Override
  void settleUnanswered(Connection connection, PendingAcquire pending, List<PendingAcquire> retry) {
    retryOrGiveUp(pending, retry, () -> Retries.keptRacing(pending.command()));
  }
}
