package dev.accord.client;

import dev.accord.api.admin.ExpectRequest;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Runs a task over a source of resource names (the files of a bucket, the partitions of a table)
 * with N threads until every name is done, failed, or the loop is closed: each name the done-cache
 * knows is skipped, the others are claimed in batches (one call acquires leases for every idle
 * thread, from up to 1,000 names); an acquired resource is handed to the task with its lease and
 * marked done when the task returns.
 *
 * <p>Names another worker holds are revisited once the source is exhausted, and again after each
 * {@code heldUntil} the server gives, so a crashed worker's names are taken over when its leases
 * run out and the sweep still finishes ({@link #revisitHeld(boolean) revisitHeld(false)} leaves
 * them to their holders instead). A task that throws is retried after a backoff, by this loop or
 * any other; the count is kept in the resource's metadata ({@value #METADATA_ATTEMPTS}, {@value
 * #METADATA_LAST_ERROR}), and after {@link #maxAttempts(int)} failures the loop releases it with
 * {@value #METADATA_FAILED}{@code =true} and reports it failed: later loops do not try it again
 * unless given a higher maxAttempts. A success clears the three keys.
 *
 * <pre>{@code
 * WorkLoop.Progress result = client.workLoop(8, lease -> upload(lease.name(), lease.fencingToken()))
 *     .maxAttempts(5)
 *     .onProgress(p -> log.info("{}", p), Duration.ofSeconds(10))
 *     .run(bucket.list());
 * result.failedNames();  // given up after 5 attempts
 * }</pre>
 *
 * <p>A task learns its lease was lost through {@link Lease#isLost()} or {@link Lease#whenLost()},
 * or, with {@link #interruptOnLeaseLost(boolean)}, by being interrupted; the name is then revisited
 * like a held one. {@link #close()} (from any thread) or interrupting the thread in {@link #run}
 * stops it: no new names are taken; after close running tasks finish, after an interrupt they are
 * interrupted and their leases released.
 *
 * <p>Before it starts, the loop declares to the server how many resources the namespace's sweep has
 * (the admin Expect call), so the server's progress page measures against the whole sweep rather
 * than the names acquired so far: the size of a {@link Collection} source, or {@link
 * #expect(long)}. A failed declaration (a server without Expect answers UNIMPLEMENTED) goes to the
 * client's listener and the loop runs anyway.
 */
public final class WorkLoop implements AutoCloseable {
  /** Metadata: how many times the resource's task failed (decimal; empty once it succeeded). */
  public static final String METADATA_ATTEMPTS = "attempts";

  /** Metadata: the last failure's exception class and message (empty once it succeeded). */
  public static final String METADATA_LAST_ERROR = "last_error";

  /** Metadata: {@code true} once a loop gave the resource up after maxAttempts failures. */
  public static final String METADATA_FAILED = "failed";

  /**
   * What the loop does with each acquired resource. Marking done is the loop's job, unless the task
   * does it.
   */
  @FunctionalInterface
  public interface Task {
    void process(Lease lease) throws Exception;
  }

  /**
   * Counts so far, and at the end what is left.
   *
   * @param done resources this loop processed and marked done
   * @param heldByOthers resources held by other workers that this loop has not finished: while
   *     running, those waiting to be revisited; at the end, those still held when the loop was
   *     closed (or every held one, with {@code revisitHeld(false)})
   * @param failed resources given up: maxAttempts reached, or the claim of them failed
   * @param skipped resources already done (known to the cache, answered DONE, or done by their
   *     holder while this loop waited)
   * @param inFlight tasks running now
   * @param failedNames the names counted in {@code failed}
   * @param heldNames the names counted in {@code heldByOthers}
   */
  public record Progress(
      long done,
      long heldByOthers,
      long failed,
      long skipped,
      int inFlight,
      List<String> failedNames,
      List<String> heldNames) {
    public Progress {
      failedNames = List.copyOf(failedNames);
      heldNames = List.copyOf(heldNames);
    }

    /** Counts without names. */
    public Progress(long done, long heldByOthers, long failed, long skipped, int inFlight) {
      this(done, heldByOthers, failed, skipped, inFlight, List.of(), List.of());
    }

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
          + (failedNames.isEmpty() || failedNames.size() > 10 ? "" : " " + failedNames)
          + ", skipped "
          + skipped
          + (inFlight > 0 ? ", in flight " + inFlight : "");
    }
  }

  /**
   * Dones of ended tasks that may be under way at once, at least: a single thread with short tasks
   * should not wait for each round trip.
   */
  private static final int MIN_DONES_UNDER_WAY = 4;

  private final Scope scope;
  private final Calls calls;
  private final int concurrency;
  private final Task task;
  private Consumer<Progress> progressListener;
  private Duration progressEvery;
  private boolean revisitHeld = true;
  private int maxAttempts = 3;
  private Backoff retryBackoff = new Backoff(1_000, 60_000);
  private boolean interruptOnLeaseLost;

  /** The total to declare; negative: the size of a Collection source, none for another. */
  private long expected = -1;

  private volatile boolean closed;
  private volatile Sweep sweep;

  /**
   * @param scope what the loop claims through, as any caller would
   * @param calls the client's call layer, for its deadline and listener
   */
  WorkLoop(Scope scope, Calls calls, int concurrency, Task task) {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
    }
    this.scope = scope;
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

  /**
   * Whether to come back to names other workers hold until they are done (default true); false
   * leaves them to their holders and ends as soon as this loop's own work is finished, for many
   * loops over one list that should each leave early.
   */
  public WorkLoop revisitHeld(boolean revisit) {
    this.revisitHeld = revisit;
    return this;
  }

  /** Failed attempts after which a resource is given up (default 3), counted across workers. */
  public WorkLoop maxAttempts(int attempts) {
    if (attempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, got " + attempts);
    }
    this.maxAttempts = attempts;
    return this;
  }

  /**
   * The wait before a failed resource is tried again: from {@code first} doubling to {@code max},
   * with jitter (default 1 s to 1 min).
   */
  public WorkLoop retryBackoff(Duration first, Duration max) {
    if (first == null || first.toMillis() < 1 || max == null || max.compareTo(first) < 0) {
      throw new IllegalArgumentException(
          "retryBackoff must be at least 1 ms, first at most max, got " + first + " and " + max);
    }
    this.retryBackoff = new Backoff(first.toMillis(), max.toMillis());
    return this;
  }

  /** Whether to interrupt a task whose lease is lost while it runs (default false). */
  public WorkLoop interruptOnLeaseLost(boolean interrupt) {
    this.interruptOnLeaseLost = interrupt;
    return this;
  }

  /**
   * The number of resources the whole sweep has, declared to the server when {@link #run} starts; 0
   * clears an earlier declaration. By default a {@link Collection} source declares its size.
   */
  public WorkLoop expect(long total) {
    if (total < 0) {
      throw new IllegalArgumentException("expect total must not be negative, got " + total);
    }
    this.expected = total;
    return this;
  }

  public Progress progress() {
    Sweep current = sweep;
    return current == null ? new Progress(0, 0, 0, 0, 0) : current.progress();
  }

  public Progress run(Stream<String> names) throws InterruptedException {
    return run(names::iterator);
  }

  /**
   * Works through {@code names} and returns the final counts; blocks until every name is done or
   * failed (or, with {@code revisitHeld(false)}, left to its holder), or the loop is closed or
   * interrupted. A {@link Collection}'s size is declared to the server first, unless {@link
   * #expect(long)} said otherwise.
   */
  public Progress run(Iterable<String> names) throws InterruptedException {
    long total = expected >= 0 ? expected : names instanceof Collection<?> c ? c.size() : -1;
    if (total >= 0) {
      declare(total);
    }
    Sweep current =
        new Sweep(scope, calls, concurrency, revisitHeld, retryBackoff, names.iterator());
    sweep = current;
    if (closed) {
      current.stop();
    }
    TaskRun taskRun =
        new TaskRun(
            task,
            maxAttempts,
            interruptOnLeaseLost,
            current,
            calls,
            Math.max(MIN_DONES_UNDER_WAY, concurrency));
    Consumer<String> heardDone = current::heardDone;
    DoneNews news = scope.doneNews();
    if (news != null) {
      news.subscribe(heardDone);
    }
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
        running.add(workers.submit(() -> work(current, taskRun)));
      }
      for (Future<?> worker : running) {
        worker.get();
      }
    } catch (InterruptedException e) {
      current.stop();
      workers.shutdownNow();
      workers.awaitTermination(calls.callDeadline().toMillis() * 2, TimeUnit.MILLISECONDS);
      throw e;
    } catch (ExecutionException e) {
      current.stop();
      workers.shutdownNow();
      throw new IllegalStateException("a work loop thread failed", e.getCause());
    } finally {
      if (news != null) {
        news.unsubscribe(heardDone);
      }
      workers.shutdown();
      // Dones of tasks that ended before a stop still count: wait for them as for the workers.
      current.awaitFinishes(calls.callDeadline().toNanos() * 2);
      current.releaseUnused();
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

  /** Tells the server the sweep's total; a failure only costs the progress page its measure. */
  private void declare(long total) {
    try {
      calls
          .admin()
          .expect(
              ExpectRequest.newBuilder().setNamespace(scope.namespace()).setTotal(total).build());
    } catch (StatusRuntimeException e) {
      calls
          .listener()
          .backgroundError("declaring " + total + " resources in \"" + scope.namespace() + "\"", e);
    }
  }

  private static Void work(Sweep sweep, TaskRun taskRun) {
    Lease lease;
    while ((lease = sweep.nextLease()) != null) {
      taskRun.run(lease);
      if (Thread.currentThread().isInterrupted()) {
        sweep.stop();
      }
    }
    return null;
  }

  /** Stops taking names; running tasks finish and {@link #run} returns. */
  @Override
  public void close() {
    closed = true;
    Sweep current = sweep;
    if (current != null) {
      current.stop();
    }
  }
}
