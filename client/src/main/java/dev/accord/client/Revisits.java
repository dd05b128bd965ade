package dev.accord.client;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The names a work loop comes back to, each when it is due: those another worker held (once the
 * source is exhausted, then after the {@code heldUntil} the server gave) and those whose task
 * failed (after a backoff). Not thread-safe: the loop's lock guards it.
 */
final class Revisits {
  /** Rechecks of a name the server still says is held past the time it gave (clock skew). */
  private static final Backoff EARLY = new Backoff(100, 5_000);

  /** A name due at {@code atNanos}; {@code held} when another worker held it, else a retry. */
  record Due(String name, long atNanos, boolean held) {}

  private final PriorityQueue<Due> queue =
      new PriorityQueue<>((a, b) -> Long.compare(a.atNanos - b.atNanos, 0));
  private final List<String> heldUntilSourceEnds = new ArrayList<>();

  /**
   * Each queued name's one live entry; entries in the queue but not here are stale, and skipped.
   */
  private final Map<String, Due> live = new HashMap<>();

  private final Map<String, Integer> early = new HashMap<>();

  /** A claim found {@code name} held (no time given): come back once the source is exhausted. */
  void held(String name) {
    heldUntilSourceEnds.add(name);
  }

  /** Every name {@link #held} so far is due now. */
  void sourceExhausted(long nowNanos) {
    for (String name : heldUntilSourceEnds) {
      enqueue(new Due(name, nowNanos, true));
    }
    heldUntilSourceEnds.clear();
  }

  /**
   * {@code name} is held for {@code leftNanos} more (server clock): due then, or after a growing
   * backoff while that time has passed on this clock but not on the server's.
   */
  void heldFor(String name, long leftNanos, long nowNanos) {
    long delay = leftNanos;
    if (leftNanos <= 0) {
      int tries = early.merge(name, 1, Integer::sum);
      delay = EARLY.delayMillis(tries - 1) * 1_000_000L;
    } else {
      early.remove(name);
    }
    enqueue(new Due(name, nowNanos + delay, true));
  }

  /** {@code name} was granted or found done: drop what was kept about it. */
  void forget(String name) {
    early.remove(name);
    live.remove(name);
  }

  /** {@code name}'s task failed: try it again after {@code delayNanos}. */
  void retry(String name, long delayNanos, long nowNanos) {
    enqueue(new Due(name, nowNanos + delayNanos, false));
  }

  private void enqueue(Due due) {
    live.put(due.name, due);
    queue.add(due);
  }

  /** Drops stale entries from the head of the queue. */
  private void skipStale() {
    while (!queue.isEmpty() && live.get(queue.peek().name) != queue.peek()) {
      queue.poll();
    }
  }

  /** Up to {@code max} entries due by {@code nowNanos}, earliest first. */
  List<Due> takeDue(long nowNanos, int max) {
    List<Due> due = new ArrayList<>();
    skipStale();
    while (due.size() < max && !queue.isEmpty() && queue.peek().atNanos - nowNanos <= 0) {
      Due next = queue.poll();
      live.remove(next.name);
      due.add(next);
      skipStale();
    }
    return due;
  }

  /** Nanoseconds until the next name is due (at least 1), or -1 when none is queued. */
  long nanosUntilNext(long nowNanos) {
    skipStale();
    return queue.isEmpty() ? -1 : Math.max(1, queue.peek().atNanos - nowNanos);
  }
}
