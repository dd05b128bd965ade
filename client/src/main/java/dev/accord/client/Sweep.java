package dev.accord.client;

import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a {@link WorkLoop}'s threads work on next, and what became of every name: claims names from
 * the source in batches, then revisits held, lost and failed names as they come due, until none is
 * left. Its threads wait on it (its monitor) while nothing is due and tasks still run.
 */
final class Sweep {
  /** Names one claim sends at least, and per lease it asks for. */
  private static final int CLAIM_MIN_NAMES = 32;

  private static final int CLAIM_NAMES_PER_LEASE = 8;

  private final Scope client;
  private final Calls calls;
  private final int concurrency;
  private final boolean revisitHeld;
  private final Backoff retryBackoff;
  private final Iterator<String> source;
  private final LongAdder done = new LongAdder();
  private final LongAdder skipped = new LongAdder();
  private final Set<String> failed = ConcurrentHashMap.newKeySet();
  private final Set<String> held = ConcurrentHashMap.newKeySet();
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean stopping;

  /** Guarded by this, as are the fields below: names read and not yet answered by a claim. */
  private final ArrayDeque<String> candidates = new ArrayDeque<>();

  /** Leases claimed for workers that have not taken them yet. */
  private final ArrayDeque<Lease> claimed = new ArrayDeque<>();

  private final Revisits revisits = new Revisits();
  private boolean sourceExhausted;

  /** Held names the done feed heard done, to drop from the revisits. */
  private final Queue<String> heardDone = new ConcurrentLinkedQueue<>();

  /**
   * Counts changes a waiting thread must look at; guarded by itself, never held while calling out,
   * so the feed's thread can signal without waiting for a claim in progress.
   */
  private final Object wakeups = new Object();

  private long generation;

  Sweep(
      Scope client,
      Calls calls,
      int concurrency,
      boolean revisitHeld,
      Backoff retryBackoff,
      Iterator<String> source) {
    this.client = client;
    this.calls = calls;
    this.concurrency = concurrency;
    this.revisitHeld = revisitHeld;
    this.retryBackoff = retryBackoff;
    this.source = source;
  }

  WorkLoop.Progress progress() {
    return new WorkLoop.Progress(
        done.sum(),
        held.size(),
        failed.size(),
        skipped.sum(),
        inFlight.get(),
        List.copyOf(failed),
        List.copyOf(held));
  }

  boolean isStopping() {
    return stopping;
  }

  /** No new names are taken; threads waiting for one return. */
  void stop() {
    stopping = true;
    wake();
  }

  /** The done feed heard {@code name}: a held name needs no more revisits. Must not block. */
  void heardDone(String name) {
    // The feed added the name to the cache before this: ordered against heldByOther's add-then-
    // look, so one of the two sees the other.
    VarHandle.fullFence();
    if (held.contains(name)) {
      heardDone.add(name);
      wake();
    }
  }

  private void wake() {
    synchronized (wakeups) {
      generation++;
      wakeups.notifyAll();
    }
  }

  private long generation() {
    synchronized (wakeups) {
      return generation;
    }
  }

  /** Waits up to {@code nanos} (negative: without end) for a change after {@code seen}. */
  private void awaitChange(long seen, long nanos) {
    long deadline = System.nanoTime() + nanos;
    synchronized (wakeups) {
      try {
        while (generation == seen && !stopping) {
          if (nanos < 0) {
            wakeups.wait();
          } else {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
              return;
            }
            TimeUnit.NANOSECONDS.timedWait(wakeups, left);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stopping = true;
      }
    }
  }

  /**
   * The next lease to work on (counted in flight until {@link #taskEnded}); null when nothing is
   * left or the sweep is stopping. One claim serves every idle worker: it asks for as many leases
   * as there are idle workers, from up to {@link AccordClient#MAX_CLAIM} names read ahead (names
   * the cache knows done are skipped without a call); names it did not get to stay for the next.
   * Once the source is exhausted, idle workers revisit names as they come due, and wait while none
   * is due and tasks still run (a failing one may need a retry).
   */
  Lease nextLease() {
    while (!stopping) {
      long seen;
      long wait;
      synchronized (this) {
        seen = generation();
        Lease waiting = claimed.poll();
        if (waiting != null) {
          inFlight.incrementAndGet();
          return waiting;
        }
        int idle = Math.max(1, concurrency - inFlight.get() - claimed.size());
        if (readSource()) {
          claimCandidates(idle);
          continue;
        }
        for (String name; (name = heardDone.poll()) != null; ) {
          if (held.remove(name)) {
            revisits.forget(name);
            skip(1);
          }
        }
        long now = System.nanoTime();
        if (!sourceExhausted) {
          sourceExhausted = true;
          revisits.sourceExhausted(now);
        }
        List<Revisits.Due> due = revisits.takeDue(now, idle);
        if (!due.isEmpty()) {
          due.forEach(this::revisit);
          continue;
        }
        wait = revisits.nanosUntilNext(now);
        if (wait < 0 && inFlight.get() == 0) {
          return null;
        }
      }
      awaitChange(seen, wait);
    }
    return null;
  }

  /** Reads ahead from the source; true while candidates remain to claim. */
  private boolean readSource() {
    while (candidates.size() < AccordClient.MAX_CLAIM && source.hasNext()) {
      String name = source.next();
      if (client.isKnownDone(name)) {
        skip(1);
      } else {
        candidates.add(name);
      }
    }
    return !candidates.isEmpty();
  }

  /** A task handed out by {@link #nextLease} ended (whatever became of it). */
  void taskEnded() {
    inFlight.decrementAndGet();
    wake();
  }

  void succeeded() {
    done.increment();
    calls.metrics().workItems(ClientMetrics.WorkItem.DONE, 1);
  }

  private void skip(int names) {
    skipped.add(names);
    calls.metrics().workItems(ClientMetrics.WorkItem.SKIPPED, names);
  }

  private void fail(String name) {
    if (failed.add(name)) {
      calls.metrics().workItems(ClientMetrics.WorkItem.FAILED, 1);
    }
  }

  void gaveUp(String name) {
    fail(name);
  }

  /** A task's lease was lost: another worker may hold the name now, so ask again. */
  void leaseLost(String name) {
    synchronized (this) {
      heldByOther(name, Instant.now());
    }
    wake();
  }

  /** Attempt {@code attempts} failed and more are allowed: try again after a backoff. */
  void retryLater(String name, int attempts) {
    long delay = TimeUnit.MILLISECONDS.toNanos(retryBackoff.delayMillis(attempts - 1));
    synchronized (this) {
      revisits.retry(name, delay, System.nanoTime());
    }
    wake();
  }

  /** Leases claimed for workers that stopped before taking them: give them back at once. */
  synchronized void releaseUnused() {
    Lease lease;
    while ((lease = claimed.poll()) != null) {
      lease.close();
    }
  }

  private void claimCandidates(int idle) {
    // The server looks at every name sent: send enough to find leases for the idle threads past
    // names held or done, not the whole read-ahead each time.
    int send = Math.min(candidates.size(), Math.max(CLAIM_MIN_NAMES, idle * CLAIM_NAMES_PER_LEASE));
    List<String> batch = new ArrayList<>(send);
    for (int i = 0; i < send; i++) {
      batch.add(candidates.poll());
    }
    ClaimResult result;
    try {
      result = client.claim(batch, idle);
    } catch (AccordException e) {
      batch.forEach(this::fail);
      calls.listener().backgroundError("work loop: claim of " + batch.size() + " names", e);
      return;
    }
    skip(result.done().size());
    for (String name : result.held()) {
      heldByOther(name, null);
    }
    List<String> untried = result.untried();
    for (int i = untried.size() - 1; i >= 0; i--) {
      candidates.addFirst(untried.get(i));
    }
    claimed.addAll(result.leases());
  }

  /** Asks again for a name that was held, lost, or failed, as it comes due. */
  private void revisit(Revisits.Due due) {
    String name = due.name();
    if (due.held() && !held.contains(name)) {
      return; // heard done meanwhile
    }
    if (client.isKnownDone(name)) {
      resolved(name);
      skip(1);
      return;
    }
    AcquireResult result;
    try {
      result = client.acquire(name);
    } catch (AccordException e) {
      resolved(name);
      fail(name);
      calls.listener().backgroundError("work loop: acquire of " + name, e);
      return;
    }
    switch (result.status()) {
      case ACQUIRED -> {
        resolved(name);
        claimed.add(result.lease());
      }
      case DONE -> {
        resolved(name);
        skip(1);
      }
      case HELD -> heldByOther(name, result.heldUntil().orElse(null));
    }
  }

  private void resolved(String name) {
    held.remove(name);
    revisits.forget(name);
  }

  /** {@code name} is another worker's, until {@code until} as the server said (null: unknown). */
  private void heldByOther(String name, Instant until) {
    held.add(name);
    calls.metrics().workItems(ClientMetrics.WorkItem.HELD, 1);
    // Done news that came before the add found nothing to drop: the cache has it then.
    VarHandle.fullFence();
    if (client.isKnownDone(name)) {
      resolved(name);
      skip(1);
      return;
    }
    if (!revisitHeld) {
      return;
    }
    if (until == null) {
      revisits.held(name);
    } else {
      long left = Duration.between(Instant.now(), until).toNanos();
      revisits.heldFor(name, left, System.nanoTime());
    }
  }
}
