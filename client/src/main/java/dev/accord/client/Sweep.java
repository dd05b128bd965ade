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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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
  private final SweepTally tally;
  private final Set<String> held = ConcurrentHashMap.newKeySet();
  private final AtomicInteger inFlight = new AtomicInteger();

  /** Tasks that ended and whose leases are being marked done on another thread. */
  private final AtomicInteger finishing = new AtomicInteger();

  private volatile boolean stopping;

  /** Guarded by this, as are the fields below: names read and not yet answered by a claim. */
  private final ArrayDeque<String> candidates = new ArrayDeque<>();

  /** Leases claimed for workers that have not taken them yet. */
  private final ArrayDeque<Lease> claimed = new ArrayDeque<>();

  private final Revisits revisits = new Revisits();
  private final ClaimAhead ahead;
  private boolean sourceExhausted;

  /** A claim is under way in the background; its answer wakes the waiting threads. */
  private boolean claiming;

  /** The loop has ended: leases a claim brings from now on are released, not kept. */
  private boolean leasesReleased;

  /** Held names the done feed heard done, to drop from the revisits. */
  private final Queue<String> heardDone = new ConcurrentLinkedQueue<>();

  /** What waiting threads wait on: claims answered, tasks ended, names heard done, stops. */
  private final Changes changes = new Changes();

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
    this.ahead = new ClaimAhead(concurrency);
    this.tally = new SweepTally(calls.metrics());
  }

  WorkLoop.Progress progress() {
    return tally.progress(held, inFlight.get());
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
    changes.signal();
  }

  /** Waits up to {@code nanos} (negative: without end) for a change after {@code seen}. */
  private void awaitChange(long seen, long nanos) {
    try {
      changes.awaitAfter(seen, nanos, () -> stopping);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopping = true;
    }
  }

  /**
   * The next lease to work on (counted in flight until {@link #taskEnded} or {@link
   * #taskHandedOff}); null when nothing is left or the sweep is stopping. Leases come from claims
   * made in the background, each for every idle thread and the reserve {@link ClaimAhead} keeps
   * ready, from up to {@link AccordClient#MAX_CLAIM} names read ahead (names the cache knows done
   * are skipped without a call); names a claim did not get to stay for the next. Once the source is
   * exhausted, idle workers revisit names as they come due, and wait while none is due and tasks
   * still run or finish (a failing one may need a retry).
   */
  Lease nextLease() {
    while (!stopping) {
      long seen;
      long wait = -1;
      synchronized (this) {
        seen = changes.seen();
        Lease waiting = claimed.poll();
        if (waiting != null) {
          inFlight.incrementAndGet();
          if (claimed.size() < ahead.reserve()) {
            claimAhead();
          }
          return waiting;
        }
        if (readSource()) {
          claimAhead();
        } else if (!claiming) {
          if (revisitDue()) {
            continue;
          }
          wait = revisits.nanosUntilNext(System.nanoTime());
          if (wait < 0 && inFlight.get() == 0 && finishing.get() == 0) {
            return null;
          }
        }
      }
      // Until a claim answers, a task ends, a revisit comes due, or the done feed hears a name.
      awaitChange(seen, wait);
    }
    return null;
  }

  /**
   * Once the source is exhausted: drops held names heard done and revisits those due; true when it
   * revisited any, and the caller should look again.
   */
  private boolean revisitDue() {
    for (String name; (name = heardDone.poll()) != null; ) {
      if (held.remove(name)) {
        revisits.forget(name);
        tally.skipped(1);
      }
    }
    long now = System.nanoTime();
    if (!sourceExhausted) {
      sourceExhausted = true;
      revisits.sourceExhausted(now);
    }
    int idle = Math.max(1, concurrency - inFlight.get() - claimed.size());
    List<Revisits.Due> due = revisits.takeDue(now, idle);
    due.forEach(this::revisit);
    return !due.isEmpty();
  }

  /** Reads ahead from the source; true while candidates remain to claim. */
  private boolean readSource() {
    while (candidates.size() < AccordClient.MAX_CLAIM && source.hasNext()) {
      String name = source.next();
      if (client.isKnownDone(name)) {
        tally.skipped(1);
      } else {
        candidates.add(name);
      }
    }
    return !candidates.isEmpty();
  }

  /** A task handed out by {@link #nextLease} ended and its outcome is settled. */
  void taskEnded() {
    inFlight.decrementAndGet();
    wake();
  }

  /**
   * A task ended and its lease is being marked done on another thread, which calls {@link
   * #finishEnded} once it has settled the outcome: until then the sweep does not end.
   */
  void taskHandedOff() {
    finishing.incrementAndGet();
    inFlight.decrementAndGet();
    wake();
  }

  void finishEnded() {
    finishing.decrementAndGet();
    wake();
  }

  /** How long a task ran, for the reserve of leases claimed ahead. */
  synchronized void taskTook(long nanos) {
    ahead.taskTook(nanos);
  }

  /** Waits up to {@code nanos} for the dones handed off to settle; false if some still run. */
  boolean awaitFinishes(long nanos) {
    try {
      return changes.awaitUntil(() -> finishing.get() == 0, nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** What became of the names so far, which a task's end adds to. */
  SweepTally tally() {
    return tally;
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

  /**
   * Leases claimed for workers that stopped before taking them: give them back at once, those of a
   * claim still under way as it answers (waiting for it up to the call deadline).
   */
  void releaseUnused() {
    List<Lease> unused = new ArrayList<>();
    synchronized (this) {
      leasesReleased = true;
      long deadline = System.nanoTime() + calls.callDeadline().toNanos();
      try {
        while (claiming && System.nanoTime() < deadline) {
          TimeUnit.NANOSECONDS.timedWait(this, deadline - System.nanoTime());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      unused.addAll(claimed);
      claimed.clear();
    }
    unused.forEach(Lease::close);
  }

  /**
   * Starts a claim in the background unless one is under way: for every idle thread and the
   * reserve, from enough names to find those leases past names held or done (the server looks at
   * every name sent), not the whole read-ahead each time.
   */
  private void claimAhead() {
    if (claiming || candidates.isEmpty() || leasesReleased) {
      return;
    }
    int leases = Math.min(AccordClient.MAX_CLAIM, ahead.toClaim(inFlight.get(), claimed.size()));
    int send =
        Math.min(candidates.size(), Math.max(CLAIM_MIN_NAMES, leases * CLAIM_NAMES_PER_LEASE));
    List<String> batch = new ArrayList<>(send);
    for (int i = 0; i < send; i++) {
      batch.add(candidates.poll());
    }
    claiming = true;
    long started = System.nanoTime();
    CompletableFuture<ClaimResult> answer;
    try {
      answer = client.claimAsync(batch, leases);
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    answer.whenComplete(
        (result, error) -> claimAnswered(batch, result, error, System.nanoTime() - started));
  }

  private void claimAnswered(List<String> batch, ClaimResult result, Throwable error, long nanos) {
    List<Lease> unwanted = List.of();
    synchronized (this) {
      claiming = false;
      notifyAll(); // releaseUnused may wait for this answer
      if (error != null) {
        Throwable cause = error instanceof CompletionException ? error.getCause() : error;
        batch.forEach(tally::failed);
        calls.listener().backgroundError("work loop: claim of " + batch.size() + " names", cause);
      } else {
        ahead.claimTook(nanos);
        tally.skipped(result.done().size());
        for (String name : result.held()) {
          heldByOther(name, null);
        }
        List<String> untried = result.untried();
        for (int i = untried.size() - 1; i >= 0; i--) {
          candidates.addFirst(untried.get(i));
        }
        if (leasesReleased) {
          unwanted = result.leases();
        } else {
          claimed.addAll(result.leases());
        }
      }
    }
    unwanted.forEach(Lease::close);
    wake();
  }

  /** Asks again for a name that was held, lost, or failed, as it comes due. */
  private void revisit(Revisits.Due due) {
    String name = due.name();
    if (due.held() && !held.contains(name)) {
      return; // heard done meanwhile
    }
    if (client.isKnownDone(name)) {
      resolved(name);
      tally.skipped(1);
      return;
    }
    AcquireResult result;
    try {
      result = client.acquire(name);
    } catch (AccordException e) {
      resolved(name);
      tally.failed(name);
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
        tally.skipped(1);
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
      tally.skipped(1);
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
