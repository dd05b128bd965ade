package dev.accord.client;

import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Keeps one {@link Lease} renewed in the background: every ~30 % of its TTL on the client's shared
 * scheduler, sooner after a failure (capped backoff, never past the lease's end), until the lease
 * ends. A renewal the server refuses loses the lease; renewals failing until it runs out lose it as
 * expired. Its state is guarded by the lease's monitor, which the lease's own operations hold.
 */
final class LeaseRenewal {
  /** Renewals that failed in a row are retried sooner than the period, while the lease lasts. */
  private static final Backoff RETRY = new Backoff(100, 5_000);

  private final Lease lease;
  private final Calls calls;
  private final Duration ttl;
  private ScheduledFuture<?> next;
  private int failures;

  LeaseRenewal(Lease lease, Calls calls, Duration ttl) {
    this.lease = lease;
    this.calls = calls;
    this.ttl = ttl;
  }

  void start() {
    schedule(periodMillis());
  }

  /** Stops the next renewal; the caller holds the lease's monitor. */
  void cancel() {
    if (next != null) {
      next.cancel(false);
    }
  }

  private long periodMillis() {
    return Math.max(100, ttl.toMillis() * 3 / 10);
  }

  private void schedule(long delayMillis) {
    synchronized (lease) {
      if (lease.isValid()) {
        next = calls.schedule(this::renew, delayMillis);
      }
    }
  }

  private void renew() {
    if (!lease.isValid()) {
      return;
    }
    Map<String, String> sending = lease.outgoingMetadata();
    long sentAt = System.nanoTime();
    long left = lease.expiresAtNanos() - sentAt;
    if (left <= 0) {
      expired(null);
      return;
    }
    Deadline deadline =
        Deadline.after(Math.min(left, calls.callDeadline().toNanos()), TimeUnit.NANOSECONDS);
    boolean retry;
    synchronized (lease) {
      retry = failures > 0;
    }
    calls.renewInBackground(
        lease.renewRequest((int) ttl.toSeconds(), sending),
        deadline,
        retry,
        () -> {
          synchronized (lease) {
            if (lease.isValid()) {
              lease.sent(sending, sentAt);
              failures = 0;
            }
          }
          schedule(periodMillis());
        },
        this::failed);
  }

  private void failed(Throwable error) {
    Status.Code code = Status.fromThrowable(error).getCode();
    if (code == Status.Code.FAILED_PRECONDITION
        && error instanceof StatusRuntimeException refused) {
      LeaseLostException lost =
          (LeaseLostException) CallFailures.translate("renew " + lease.name(), refused);
      synchronized (lease) {
        if (lease.isValid()) {
          lease.lose(lost);
        }
      }
      return;
    }
    long leftMillis = TimeUnit.NANOSECONDS.toMillis(lease.expiresAtNanos() - System.nanoTime());
    if (leftMillis <= 0) {
      expired(error);
      return;
    }
    if (!CallFailures.isTransient(Status.fromThrowable(error))
        && code != Status.Code.DEADLINE_EXCEEDED) {
      calls
          .listener()
          .backgroundError(
              "renewal of " + lease.name() + " (retrying until the lease runs out)", error);
    }
    calls.reconnectNow();
    synchronized (lease) {
      long wait = RETRY.delayMillis(failures++);
      schedule(Math.min(wait, Math.max(leftMillis - 50, 1)));
    }
  }

  private void expired(Throwable lastError) {
    synchronized (lease) {
      if (lease.isValid()) {
        String why = lastError == null ? "" : ": " + lastError.getMessage();
        String message = "lease on \"" + lease.name() + "\" ran out while renewals failed" + why;
        lease.lose(new LeaseLostException(message, "EXPIRED", lastError));
      }
    }
  }
}
