package dev.accord.server.retention;

import dev.accord.server.backend.Backend;
import dev.accord.server.backend.BackendUnavailableException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the resources done longer ago than the retention period ({@code ACCORD_RETENTION}), in
 * the background: every {@link #INTERVAL}, batches of at most {@link #BATCH_ROWS} rows, each its
 * own short transaction, until a batch comes back short. Grants are never blocked for longer than
 * one batch. The backend makes replicas of one database take turns ({@link
 * Backend#deleteDoneOlderThan}), keeps fencing tokens from going back for deleted names, and tells
 * Watch streams which names went, so clients' done-caches drop them.
 */
public final class RetentionSweeper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RetentionSweeper.class);

  /** Rows per transaction: small enough that a batch takes milliseconds. */
  public static final int BATCH_ROWS = 1000;

  /** How often the sweep runs; done rows outlive the period by at most this much. */
  public static final Duration INTERVAL = Duration.ofMinutes(1);

  private final Backend backend;
  private final Duration retention;
  private final ScheduledExecutorService timer;

  private RetentionSweeper(Backend backend, Duration retention) {
    this.backend = backend;
    this.retention = retention;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "accord-retention");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Starts sweeping now and every {@code interval}. */
  public static RetentionSweeper start(Backend backend, Duration retention, Duration interval) {
    RetentionSweeper sweeper = new RetentionSweeper(backend, retention);
    sweeper.timer.scheduleWithFixedDelay(
        sweeper::sweepLogged, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    log.info(
        "Retention: resources done more than {} ago are deleted, checked every {}",
        retention,
        interval);
    return sweeper;
  }

  /**
   * Deletes batch after batch until one is short.
   *
   * @return how many resources were deleted
   */
  public long sweep() {
    long total = 0;
    long deleted;
    do {
      deleted = backend.deleteDoneOlderThan(retention, BATCH_ROWS);
      total += deleted;
    } while (deleted == BATCH_ROWS && !timer.isShutdown());
    return total;
  }

  private void sweepLogged() {
    try {
      long deleted = sweep();
      if (deleted > 0) {
        log.info("Retention: deleted {} resources done more than {} ago", deleted, retention);
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
