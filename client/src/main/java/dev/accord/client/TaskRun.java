package dev.accord.client;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;

/**
 * One run of a work loop's task on one lease, and what its end means for the resource: done (the
 * attempt record cleared), a failed attempt recorded in the metadata and retried later or given up
 * at maxAttempts, or a lost lease whose name the sweep asks for again. A successful task's done is
 * sent without waiting ({@link Lease#doneAsync}) while its worker takes the next lease, so the
 * round trip is not on the worker's path.
 */
final class TaskRun {
  private final WorkLoop.Task task;
  private final int maxAttempts;
  private final boolean interruptOnLeaseLost;
  private final Sweep sweep;
  private final Calls calls;
  private final Semaphore finishSlots;

  /**
   * @param finishes how many dones of ended tasks may be under way at once
   */
  TaskRun(
      WorkLoop.Task task,
      int maxAttempts,
      boolean interruptOnLeaseLost,
      Sweep sweep,
      Calls calls,
      int finishes) {
    this.task = task;
    this.maxAttempts = maxAttempts;
    this.interruptOnLeaseLost = interruptOnLeaseLost;
    this.sweep = sweep;
    this.calls = calls;
    this.finishSlots = new Semaphore(finishes);
  }

  /**
   * Runs the task on {@code lease} and settles what became of it: the lease is this run's to close.
   * A task that returned with its lease valid has the lease marked done with {@link
   * Lease#doneAsync}, so its worker moves on to the next lease while the done travels; at most
   * {@code finishSlots} such dones are under way, beyond which the worker waits here.
   */
  void run(Lease lease) {
    boolean handedOff = false;
    try {
      handedOff = runTask(lease);
    } finally {
      if (!handedOff) {
        lease.close();
        sweep.taskEnded();
      }
    }
  }

  /** True when the lease was handed off to be marked done elsewhere. */
  private boolean runTask(Lease lease) {
    int attempts = Attempts.count(lease.metadata());
    if (attempts >= maxAttempts) {
      // Given up by an earlier run (or a loop with a lower maxAttempts): report it, do not retry.
      lease.discard(Map.of(WorkLoop.METADATA_FAILED, "true"));
      sweep.tally().failed(lease.name());
      return false;
    }
    long started = System.nanoTime();
    try {
      processWatchingLoss(lease);
    } catch (Exception e) {
      taskFailed(lease, attempts, e);
      return false;
    } finally {
      sweep.taskTook(System.nanoTime() - started);
    }
    if (!lease.isValid()) {
      settle(lease, attempts);
      return false;
    }
    finishSlots.acquireUninterruptibly();
    sweep.taskHandedOff();
    CompletableFuture<Void> marked;
    try {
      marked = lease.doneAsync(Attempts.cleared(lease.metadata()));
    } catch (RuntimeException e) {
      marked = CompletableFuture.failedFuture(e);
    }
    marked.whenComplete((ignored, error) -> finished(lease, attempts, error));
    return true;
  }

  /**
   * A handed-off done answered, on a channel thread: success is settled here; a failure, whose
   * handling may call the server or wait for the sweep, on a client thread.
   */
  private void finished(Lease lease, int attempts, Throwable error) {
    if (error == null) {
      settle(lease, attempts);
      endFinish(lease);
      return;
    }
    Runnable failure =
        () -> {
          try {
            Throwable cause = error instanceof CompletionException ? error.getCause() : error;
            taskFailed(
                lease, attempts, cause instanceof Exception e ? e : new RuntimeException(cause));
          } finally {
            endFinish(lease);
          }
        };
    try {
      calls.execute(failure);
    } catch (RejectedExecutionException closing) {
      failure.run();
    }
  }

  private void endFinish(Lease lease) {
    lease.close();
    finishSlots.release();
    sweep.finishEnded();
  }

  /** After the task returned: done, lost, or discarded by the task itself. */
  private void settle(Lease lease, int attempts) {
    if (lease.isDone()) {
      sweep.tally().succeeded();
    } else if (lease.isLost()) {
      sweep.leaseLost(lease.name());
    } else {
      failed(lease, attempts + 1, new IllegalStateException("the task discarded its lease"));
    }
  }

  private void taskFailed(Lease lease, int attempts, Exception e) {
    if (lease.isLost()) {
      sweep.leaseLost(lease.name());
    } else if (e instanceof InterruptedException && sweep.isStopping()) {
      // The loop stops: not a failure of the resource; closing the lease releases it.
      Thread.currentThread().interrupt();
    } else {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      failed(lease, attempts + 1, e);
    }
  }

  /** Runs the task, interrupting its thread if the lease is lost meanwhile (when asked to). */
  private void processWatchingLoss(Lease lease) throws Exception {
    if (!interruptOnLeaseLost) {
      task.process(lease);
      return;
    }
    Thread runner = Thread.currentThread();
    Object guard = new Object();
    boolean[] running = {true};
    boolean[] interrupted = {false};
    lease
        .whenLost()
        .thenRun(
            () -> {
              synchronized (guard) {
                if (running[0]) {
                  interrupted[0] = true;
                  runner.interrupt();
                }
              }
            });
    try {
      task.process(lease);
    } finally {
      synchronized (guard) {
        running[0] = false;
        if (interrupted[0] && !sweep.isStopping()) {
          // Our interrupt was for this task only: the next one starts uninterrupted.
          Thread.interrupted();
        }
      }
    }
  }

  private void failed(Lease lease, int attempts, Exception error) {
    boolean givenUp = attempts >= maxAttempts;
    if (lease.isValid()) {
      lease.discard(Attempts.failure(attempts, error, givenUp));
    }
    if (givenUp) {
      sweep.tally().failed(lease.name());
    } else {
      sweep.retryLater(lease.name(), attempts);
    }
    if (!(error instanceof InterruptedException)) {
      calls.listener().backgroundError("work loop: task on " + lease.name(), error);
    }
  }
}
