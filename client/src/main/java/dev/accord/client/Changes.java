package dev.accord.client;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A count of changes that threads wait on: a waiter notes the count, looks at shared state under
 * its own lock, and, finding nothing to do, waits for the count to move. Its monitor is never held
 * while calling out, so any thread (the done feed's, a call's) can signal without waiting for work
 * in progress.
 */
final class Changes {
  private long count;

  synchronized void signal() {
    count++;
    notifyAll();
  }

  synchronized long seen() {
    return count;
  }

  /**
   * Waits up to {@code nanos} (negative: without end) for a change after {@code seen}, or until
   * {@code stop} is true.
   */
  synchronized void awaitAfter(long seen, long nanos, BooleanSupplier stop)
      throws InterruptedException {
    long deadline = System.nanoTime() + nanos;
    while (count == seen && !stop.getAsBoolean()) {
      if (nanos < 0) {
        wait();
      } else {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    }
  }

  /**
   * Waits up to {@code nanos} for {@code condition}, looked at after each change; false when time
   * ran out first.
   */
  synchronized boolean awaitUntil(BooleanSupplier condition, long nanos)
      throws InterruptedException {
    long deadline = System.nanoTime() + nanos;
    while (!condition.getAsBoolean()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }
}
