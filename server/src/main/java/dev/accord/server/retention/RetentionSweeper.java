package dev.accord.server.retention;

import dev.accord.server.backend.Backend;
import dev.accord.server.backend.BackendUnavailableException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's background deletions, every {@link #INTERVAL}, in batches of at most {@link
 * #BATCH_ROWS} rows, each its own short transaction, until a batch comes back short, so grants wait
 * for one batch at most:
 *
 * <ul>
 *   <li>resources done longer ago than the retention period ({@code ACCORD_RETENTION}), when one is
 *       set. The backend makes replicas of one database take turns, keeps fencing tokens from going
 *       back for deleted names and tells Watch streams which names went;
 *   <li>always, the record of removals older than {@link #REMOVAL_HISTORY}: a Watch cursor older
 *       than that is refused as expired and its client lists again.
 * </ul>
 */
public final class RetentionSweeper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RetentionSweeper.class);

  /** Rows per transaction: small enough that a batch takes milliseconds. */
  public static final int BATCH_ROWS = 1000;

  /** How often the sweep runs; done rows outlive the period by at most this much. */
  public static final Duration INTERVAL = Duration.ofMinutes(1);

  /** How long a disconnected Watch client can resume from its cursor. */
  public static final Duration REMOVAL_HISTORY = Duration.ofDays(7);

  private final Backend backend;
  private final Optional<Duration> retention;
  private final LongSupplier clock;
  private final ScheduledExecutorService timer;

  RetentionSweeper(Backend backend, Optional<Duration> retention, LongSupplier clock) {
    this.backend = backend;
    this.retention = retention;
    this.clock = clock;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "accord-retention");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Starts sweeping now and every {@link #INTERVAL}. */
  public static RetentionSweeper start(Backend backend, Optional<Duration> retention) {
    RetentionSweeper sweeper = new RetentionSweeper(backend, retention, System::currentTimeMillis);
    sweeper.timer.scheduleWithFixedDelay(
        sweeper::sweepLogged, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    retention.ifPresent(
        period ->
            log.info(
                "Retention: resources done more than {} ago are deleted, checked every {}",
                period,
                INTERVAL));
    return sweeper;
  }

  /**
   * One sweep: batch after batch until one is short.
   *
   * @return how many resources were deleted
   */
  long sweep() {
    long now = clock.getAsLong();
    long deleted = 0;
    if (retention.isPresent()) {
      long cutoff = now - retention.get().toMillis();
      deleted = inBatches(() -> backend.deleteDoneBefore(cutoff, BATCH_ROWS));
    }
    long horizon = now - REMOVAL_HISTORY.toMillis();
    inBatches(() -> backend.pruneRemovals(horizon, BATCH_ROWS));
    return deleted;
  }

  private long inBatches(LongSupplier batch) {
    long total = 0;
    long rows;
    do {
      rows = batch.getAsLong();
      total += rows;
    } while (rows == BATCH_ROWS && !timer.isShutdown());
    return total;
  }

  private void sweepLogged() {
    try {
      long deleted = sweep();
      if (deleted > 0) {
        log.info("Retention: deleted {} resources done more than {} ago", deleted, retention.get());
      }
    } catch (BackendUnavailableException e) {
      // The database is down: the next run tries again.
      log.warn("Retention sweep failed, retrying in {}: {}", INTERVAL, e.getMessage());
    } catch (RuntimeException e) {
      // A bug: said loudly, and the schedule (which an escaping exception would end) goes on.
      log.error("Retention sweep failed, retrying in {}", INTERVAL, e);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
