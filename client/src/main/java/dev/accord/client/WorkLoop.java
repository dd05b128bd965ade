package dev.accord.client;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Runs a task over a source of resource names (the files of a bucket, the partitions of a table)
 * with N threads: each name the done-cache knows is skipped, the others are claimed in batches (one
 * call acquires leases for every idle thread, from up to 1,000 names); an acquired resource is
 * handed to the task with its lease and marked done when the task returns, or discarded, with the
 * error in its metadata, when the task throws. Names held by other workers are counted and left to
 * them.
 *
 * <pre>{@code
 * WorkLoop.Progress result = client.workLoop(8, lease -> upload(lease.name(), lease.fencingToken()))
 *     .onProgress(p -> log.info("{}", p), Duration.ofSeconds(10))
 *     .run(bucket.list());
 * }</pre>
 *
 * <p>{@link #close()} (from any thread) or interrupting the thread in {@link #run} stops it: no new
 * names are taken; after close running tasks finish, after an interrupt they are interrupted and
 * their leases discarded.
 */
public final class WorkLoop implements AutoCloseable {
  /**
   * What the loop does with each acquired resource. Marking done is the loop's job, unless the task
   * does it.
   */
  @FunctionalInterface
  public interface Task {
    void process(Lease lease) throws Exception;
  }

  /**
   * Counts so far.
   *
   * @param done resources this loop processed and marked done
   * @param heldByOthers resources another worker held when this loop came to them
   * @param failed resources whose task threw, whose lease was lost, or that could not be acquired
   * @param skipped resources already done (known to the cache, or answered DONE)
   * @param inFlight tasks running now
   */
  public record Progress(long done, long heldByOthers, long failed, long skipped, int inFlight) {
    public long total() {
      return done + heldByOthers + failed + skipped;
    }

    @Override
    public String toString() {
      return "done "
          + done
          + ", held by others "
          + heldByOthers
          + ", failed "
          + failed
          + ", skipped "
          + skipped
          + (inFlight > 0 ? ", in flight " + inFlight : "");
    }
  }

  /** Names one claim sends at least, and per lease it asks for. */
  private static final int CLAIM_MIN_NAMES = 32;

  private static final int CLAIM_NAMES_PER_LEASE = 8;

  private final AccordClient client;
  private final Calls calls;
  private final int concurrency;
  private final Task task;
  private final LongAdder done = new LongAdder();
  private final LongAdder heldByOthers = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder skipped = new LongAdder();
  private final AtomicInteger inFlight = new AtomicInteger();
  private Consumer<Progress> progressListener;
  private Duration progressEvery;
  private volatile boolean stopping;
  private Iterator<String> source;

  /** Guarded by this: names read from the source and not yet answered by a claim. */
  private final ArrayDeque<String> candidates = new ArrayDeque<>();

  /** Guarded by this: leases claimed for workers that have not taken them yet. */
  private final ArrayDeque<Lease> claimed = new ArrayDeque<>();

  /**
   * @param client what the loop claims through, as any caller would
   * @param calls the client's call layer, for its deadline and listener
   */
  WorkLoop(AccordClient client, Calls calls, int concurrency, Task task) {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
    }
    this.client = client;
    this.calls = calls;
    this.concurrency = concurrency;
    this.task = task;
  }

  /**
   * Calls {@code listener} with the counts every {@code every} while running, and once at the end.
   */
  public WorkLoop onProgress(Consumer<Progress> listener, Duration every) {
    this.progressListener = listener;
    this.progressEvery = every;
    return this;
  }

  public Progress progress() {
    return new Progress(
        done.sum(), heldByOthers.sum(), failed.sum(), skipped.sum(), inFlight.get());
  }

  public Progress run(Stream<String> names) throws InterruptedException {
    return run(names::iterator);
  }

  /**
   * Works through {@code names} and returns the final counts; blocks until done, closed or
   * interrupted.
   */
  public Progress run(Iterable<String> names) throws InterruptedException {
    source = names.iterator();
    ExecutorService workers =
        Executors.newFixedThreadPool(
            concurrency,
            runnable -> {
              Thread thread = new Thread(runnable, "accord-work");
              thread.setDaemon(true);
              return thread;
            });
    ScheduledExecutorService reporter = null;
    if (progressListener != null) {
      reporter = Executors.newSingleThreadScheduledExecutor();
      long every = progressEvery.toMillis();
      reporter.scheduleAtFixedRate(
          () -> progressListener.accept(progress()), every, every, TimeUnit.MILLISECONDS);
    }
    List<Future<?>> running = new ArrayList<>();
    try {
      for (int i = 0; i < concurrency; i++) {
        running.add(workers.submit(this::work));
      }
      for (Future<?> worker : running) {
        worker.get();
      }
    } catch (InterruptedException e) {
      stopping = true;
      workers.shutdownNow();
      workers.awaitTermination(calls.callDeadline().toMillis() * 2, TimeUnit.MILLISECONDS);
      throw e;
    } catch (ExecutionException e) {
      stopping = true;
      workers.shutdownNow();
      throw new IllegalStateException("a work loop thread failed", e.getCause());
    } finally {
      workers.shutdown();
      releaseUnused();
      if (reporter != null) {
        reporter.shutdownNow();
      }
    }
    Progress result = progress();
    if (progressListener != null) {
      progressListener.accept(result);
    }
    return result;
  }

  private Void work() {
    Lease lease;
    while ((lease = nextLease()) != null) {
      inFlight.incrementAndGet();
      try (Lease held = lease) {
        runTask(held);
      } finally {
        inFlight.decrementAndGet();
      }
      if (Thread.currentThread().isInterrupted()) {
        stopping = true;
      }
    }
    return null;
  }

  /**
   * The next lease to work on, claiming more when none is waiting; null when the names have run out
   * or the loop is stopping. One claim serves every idle worker: it asks for as many leases as
   * there are idle workers, from up to {@link AccordClient#MAX_CLAIM} names read ahead (names the
   * cache knows done are skipped without a call). Names the claim did not get to stay for the next
   * one.
   */
  private synchronized Lease nextLease() {
    while (!stopping) {
      Lease waiting = claimed.poll();
      if (waiting != null) {
        return waiting;
      }
      while (candidates.size() < AccordClient.MAX_CLAIM && source.hasNext()) {
        String name = source.next();
        if (client.isKnownDone(name)) {
          skipped.increment();
        } else {
          candidates.add(name);
        }
      }
      if (candidates.isEmpty()) {
        return null;
      }
      int idle = Math.max(1, concurrency - inFlight.get() - claimed.size());
      // The server looks at every name sent: send enough to find leases for the idle threads past
      // names held or
      // done, not the whole read-ahead each time.
      int send =
          Math.min(candidates.size(), Math.max(CLAIM_MIN_NAMES, idle * CLAIM_NAMES_PER_LEASE));
      List<String> batch = new ArrayList<>(send);
      for (int i = 0; i < send; i++) {
        batch.add(candidates.poll());
      }
      ClaimResult result;
      try {
        result = client.claim(batch, idle);
      } catch (AccordException e) {
        failed.add(batch.size());
        calls.listener().backgroundError("work loop: claim of " + batch.size() + " names", e);
        continue;
      }
      skipped.add(result.done().size());
      heldByOthers.add(result.held().size());
      List<String> untried = result.untried();
      for (int i = untried.size() - 1; i >= 0; i--) {
        candidates.addFirst(untried.get(i));
      }
      claimed.addAll(result.leases());
    }
    return null;
  }

  /** Leases claimed for workers that stopped before taking them: give them back at once. */
  private synchronized void releaseUnused() {
    Lease lease;
    while ((lease = claimed.poll()) != null) {
      lease.close();
    }
  }

  private void runTask(Lease lease) {
    try {
      task.process(lease);
      if (lease.isValid()) {
        lease.done();
      }
      if (lease.isDone()) {
        done.increment();
      } else {
        failed.increment();
      }
    } catch (Exception e) {
      failed.increment();
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      if (lease.isValid()) {
        lease.discard(Map.of("error", describe(e)));
      }
      if (!(e instanceof InterruptedException)) {
        calls.listener().backgroundError("work loop: task on " + lease.name(), e);
      }
    }
  }

  private static String describe(Exception e) {
    String text = e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    return text.length() > 1_000 ? text.substring(0, 1_000) : text;
  }

  /** Stops taking names; running tasks finish and {@link #run} returns. */
  @Override
  public void close() {
    stopping = true;
  }
}
