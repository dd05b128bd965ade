package dev.accord.client;

import java.util.Map;

/**
 * One run of a work loop's task on one lease, and what its end means for the resource: done (the
 * attempt record cleared), a failed attempt recorded in the metadata and retried later or given up
 * at maxAttempts, or a lost lease whose name the sweep asks for again.
 */
final class TaskRun {
  private final WorkLoop.Task task;
  private final int maxAttempts;
  private final boolean interruptOnLeaseLost;
  private final Sweep sweep;
  private final Calls calls;

  TaskRun(
      WorkLoop.Task task, int maxAttempts, boolean interruptOnLeaseLost, Sweep sweep, Calls calls) {
    this.task = task;
    this.maxAttempts = maxAttempts;
    this.interruptOnLeaseLost = interruptOnLeaseLost;
    this.sweep = sweep;
    this.calls = calls;
  }

  void run(Lease lease) {
    int attempts = Attempts.count(lease.metadata());
    if (attempts >= maxAttempts) {
      // Given up by an earlier run (or a loop with a lower maxAttempts): report it, do not retry.
      lease.discard(Map.of(WorkLoop.METADATA_FAILED, "true"));
      sweep.gaveUp(lease.name());
      return;
    }
    try {
      processWatchingLoss(lease);
      if (lease.isValid()) {
        lease.done(Attempts.cleared(lease.metadata()));
      }
      if (lease.isDone()) {
        sweep.succeeded();
      } else if (lease.isLost()) {
        sweep.leaseLost(lease.name());
      } else {
        failed(lease, attempts + 1, new IllegalStateException("the task discarded its lease"));
      }
    } catch (Exception e) {
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
      sweep.gaveUp(lease.name());
    } else {
      sweep.retryLater(lease.name(), attempts);
    }
    if (!(error instanceof InterruptedException)) {
      calls.listener().backgroundError("work loop: task on " + lease.name(), error);
    }
  }
}
