package dev.accord.server.backend.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells every replica's {@link DoneNotifier} which namespaces have new done marks, after those
 * marks have committed and been answered.
 *
 * <p>Why not in the Done's own statement: PostgreSQL serialises the commits of transactions that
 * notify (it holds its notify lock across the commit's WAL flush), so a notify per Done turned
 * every Done into one queue at 8 concurrent workers. Here one thread per server sends the hints:
 * one statement ({@link Statements#ANNOUNCE_SQL}) for every namespace marked since its last send,
 * and at most one statement per {@link #MIN_INTERVAL_MILLIS}. A mark after a quiet spell is hinted
 * at once; under a steady stream of marks a hint waits at most that long, and the database pays one
 * small transaction per interval rather than one per mark.
 *
 * <p>A hint is not a record: a crash between a mark's commit and its hint, or a send that fails,
 * loses the hint, and watchers learn of the mark at their next timed look (they also look whenever
 * the listening connection comes back). The marks themselves are durable before anyone hears of
 * them.
 */
final class DoneAnnouncer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DoneAnnouncer.class);

  /** The least time between two sends' starts. */
  static final long MIN_INTERVAL_MILLIS = 20;

  private static final long MIN_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(MIN_INTERVAL_MILLIS);

  private final DataSource pool;
  private final ScheduledExecutorService sender;
  private final Set<String> pending = new LinkedHashSet<>();
  private boolean scheduled;
  private long lastSendNanos = System.nanoTime() - MIN_INTERVAL_NANOS;
  private boolean failing;

  DoneAnnouncer(DataSource pool) {
    this.pool = pool;
    this.sender =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "accord-done-announcer");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Queues a hint that {@code namespace} has a new done mark; never blocks on the database. */
  void announce(String namespace) {
    long delay;
    synchronized (pending) {
      pending.add(namespace);
      if (scheduled) {
        return;
      }
      scheduled = true;
      delay = Math.max(0, lastSendNanos + MIN_INTERVAL_NANOS - System.nanoTime());
    }
    try {
      sender.schedule(this::sendPending, delay, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closed) {
      // Closing: the watchers this server had are gone, and other replicas look on their timer.
      synchronized (pending) {
        scheduled = false;
        pending.clear();
      }
    }
  }

  private void sendPending() {
    String[] namespaces;
    synchronized (pending) {
      namespaces = pending.toArray(String[]::new);
      pending.clear();
      scheduled = false;
      lastSendNanos = System.nanoTime();
    }
    send(namespaces);
  }

  private void send(String[] namespaces) {
    try (Connection connection = pool.getConnection();
        PreparedStatement statement = connection.prepareStatement(Statements.ANNOUNCE_SQL)) {
      statement.setArray(1, connection.createArrayOf("text", namespaces));
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
      }
      if (failing) {
        log.info("Sending done hints again");
        failing = false;
      }
    } catch (SQLException | RuntimeException e) {
      // Once per streak: while the database is away every send fails the same way.
      if (!failing) {
        log.warn(
            "Could not send done hints for {} namespace(s) ({}); watchers learn of those marks at "
                + "their next timed look",
            namespaces.length,
            SqlErrors.describe(e));
        failing = true;
      }
    }
  }

  @Override
  public void close() {
    sender.shutdown();
  }
}
