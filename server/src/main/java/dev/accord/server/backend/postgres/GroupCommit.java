package dev.accord.server.backend.postgres;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * Turns requests that arrive concurrently into batches, each run as one statement (one transaction,
 * one commit): PostgreSQL's cost is per statement and per commit far more than per row, so a batch
 * of 50 costs little more than one.
 *
 * <p>No timer and no waiting for a batch to fill: a request that finds a free runner starts at
 * once, alone; requests that arrive while every runner is busy queue, and the next free runner
 * takes them all (up to {@code maxBatch}) as one batch. Under light load every request is a batch
 * of one with no added latency; under heavy load batches grow until the database keeps up.
 *
 * @param <T> a queued request, which carries what its caller waits on
 */
final class GroupCommit<T> {
  private final int maxBatch;
  private final int runners;
  private final Executor executor;
  private final Consumer<List<T>> runBatch;
  private final ArrayDeque<T> queue = new ArrayDeque<>();
  private int running;

  /**
   * @param runners how many batches may run at once (each holds one database connection while it
   *     runs)
   * @param executor runs the batches; needs {@code runners} threads
   * @param runBatch runs one batch and answers every request in it: it must not throw
   */
  GroupCommit(int maxBatch, int runners, Executor executor, Consumer<List<T>> runBatch) {
    this.maxBatch = maxBatch;
    this.runners = runners;
    this.executor = executor;
    this.runBatch = runBatch;
  }

  /**
   * Queues {@code request}; throws {@link RejectedExecutionException} when the executor has shut
   * down.
   */
  void submit(T request) {
    synchronized (queue) {
      queue.add(request);
      if (running == runners) {
        return;
      }
      running++;
    }
    try {
      executor.execute(this::drain);
    } catch (RejectedExecutionException e) {
      synchronized (queue) {
        running--;
        queue.remove(request);
      }
      throw e;
    }
  }

  /**
   * Queues requests again (say, ones that raced with another batch): the next batch takes them
   * first.
   */
  void resubmit(List<T> requests) {
    for (T request : requests) {
      submit(request);
    }
  }

  private void restartIfQueued() {
    synchronized (queue) {
      if (queue.isEmpty() || running == runners) {
        return;
      }
      running++;
    }
    drain();
  }

  private void drain() {
    while (true) {
      List<T> batch;
      synchronized (queue) {
        if (queue.isEmpty()) {
          running--;
          return;
        }
        batch = new ArrayList<>(Math.min(queue.size(), maxBatch));
        while (batch.size() < maxBatch && !queue.isEmpty()) {
          batch.add(queue.poll());
        }
      }
      try {
        runBatch.accept(batch);
      } catch (RuntimeException | Error e) {
        // A bug in runBatch: the requests it took are lost to it, but the requests still queued
        // must not be.
        synchronized (queue) {
          running--;
        }
        if (!batch.isEmpty()) {
          executor.execute(this::restartIfQueued);
        }
        throw e;
      }
    }
  }
}
