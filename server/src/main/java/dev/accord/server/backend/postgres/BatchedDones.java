package dev.accord.server.backend.postgres;

import dev.accord.server.backend.DoneCommand;
import dev.accord.server.backend.GrantRef;
import dev.accord.server.backend.LeaseRejectedException;
import io.opentelemetry.api.trace.SpanContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.sql.DataSource;

/**
 * Done marks, answered in batches: alone through {@link GrantUpdates#done}, together through {@link
 * Statements#DONE_BATCH_SQL}. A request the batch statement did not mark is refused, or raced with
 * a change to its grant and is tried again. Each committed mark's namespace goes to the {@link
 * DoneAnnouncer}.
 */
final class BatchedDones extends BatchedWrites<BatchedDones.PendingDone> {
  record PendingDone(
      DoneCommand command,
      CompletableFuture<Void> answer,
      int attempt,
      long queuedAtNanos,
      SpanContext caller)
      implements Pending<PendingDone> {
    @Override
    public PendingDone again() {
      return new PendingDone(command, answer, attempt + 1, queuedAtNanos, caller);
    }
  }

  private final GrantUpdates grants;
  private final SchemaMigrator schema;
  private final DoneAnnouncer announcer;

  BatchedDones(
      DataSource pool,
      SchemaMigrator schema,
      GrantUpdates grants,
      DoneAnnouncer announcer,
      int batchFrom,
      int runners,
      Executor executor,
      PostgresMeters.Batch meters) {
    super("done", Statements.DONE_BATCH_SQL, pool, schema, batchFrom, runners, executor, meters);
    this.grants = grants;
    this.schema = schema;
    this.announcer = announcer;
  }

  /** Queues {@code command}; nothing here blocks. */
  CompletableFuture<Void> done(DoneCommand command) {
    CompletableFuture<Void> answer = new CompletableFuture<>();
    submit(new PendingDone(command, answer, 1, System.nanoTime(), BatchSpans.caller()));
    return answer;
  }

  /**
   * One done per resource, so one statement never updates a row twice. Called on a batch thread
   * once the schema, and so the key, is in place.
   */
  @Override
  Object key(PendingDone pending) {
    return grant(pending).resourceId();
  }

  /**
   * By handle ID as sent: one order for every batch of every replica (they share the key), without
   * opening each ID at every comparison.
   */
  @Override
  Comparator<PendingDone> order() {
    return Comparator.comparingLong((PendingDone p) -> p.command().handleId().high())
        .thenComparingLong(p -> p.command().handleId().low());
  }

  private GrantRef grant(PendingDone pending) {
    return schema.handleKey().open(pending.command().handleId());
  }

  @Override
  void runAlone(PendingDone pending) {
    try {
      announcer.announce(grants.done(pending.command()));
      pending.answer().complete(null);
    } catch (RuntimeException e) {
      pending.answer().completeExceptionally(e);
    }
  }

  @Override
  void bind(Connection connection, PreparedStatement statement, List<PendingDone> requests)
      throws SQLException {
    int n = requests.size();
    int[] index = new int[n];
    long[] ids = new long[n];
    long[] grantNumbers = new long[n];
    int[] nonces = new int[n];
    String[] owners = new String[n];
    String[] holders = new String[n];
    BatchMetadata metadata = new BatchMetadata();
    for (int i = 0; i < n; i++) {
      DoneCommand command = requests.get(i).command();
      GrantRef grant = grant(requests.get(i));
      index[i] = i;
      ids[i] = grant.resourceId();
      grantNumbers[i] = grant.grant();
      nonces[i] = grant.nonce();
      owners[i] = command.owner();
      holders[i] = command.holder();
      metadata.add(i, command.metadata());
    }
    statement.setObject(1, index);
    statement.setObject(2, ids);
    statement.setObject(3, grantNumbers);
    statement.setObject(4, nonces);
    statement.setArray(5, connection.createArrayOf("text", owners));
    statement.setArray(6, connection.createArrayOf("text", holders));
    metadata.bind(connection, statement, 7);
  }

  @Override
  boolean answerFrom(ResultSet row, PendingDone pending) throws SQLException {
    // The statement has committed: the driver reads every row before it returns.
    announcer.announce(row.getString(2));
    pending.answer().complete(null);
    return true;
  }

  /** Refusals are rare: each is explained on its own. */
  @Override
  void settleUnanswered(Connection connection, PendingDone pending, List<PendingDone> retry)
      throws SQLException {
    LeaseRejectedException refusal =
        GrantUpdates.explainRefusal(
            connection, grant(pending), pending.command().owner(), pending.command().holder());
    if (refusal != null) {
      pending.answer().completeExceptionally(refusal);
    } else {
      retryOrGiveUp(pending, retry, () -> Retries.keptRacing("done"));
    }
  }
}
