package dev.accord.client;

import dev.accord.api.v1.WatchRequest;
import dev.accord.api.v1.WatchResponse;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * An acquire that waits, without holding a thread: asks once, and while the answer is HELD asks
 * again when the holder's lease would run out ({@code heldUntil}, server clock) or as soon as the
 * name is heard done, until it is granted, done, or the wait ends (then the last answer, HELD,
 * stands). Done names are heard from the client's done feed in its own namespace, and in any other
 * from a Watch of the namespace opened at the first HELD. A release is seen at {@code heldUntil}:
 * the Watch carries done marks, not releases.
 */
final class AcquireWait {
  /** Asks again while the server still says held past the time it gave (clock skew). */
  private static final Backoff EARLY = new Backoff(100, 5_000);

  private final Acquirer acquirer;
  private final Calls calls;
  private final DoneNews news;
  private final String name;
  private final Map<String, String> metadata;
  private final long deadlineNanos;
  private final CompletableFuture<AcquireResult> result = new CompletableFuture<>();
  private final Consumer<String> heard = this::heard;

  /** Guarded by this. */
  private boolean asking;

  private boolean askAgain;
  private boolean watching;
  private int early;
  private ScheduledFuture<?> next;
  private ClientCallStreamObserver<WatchRequest> watch;

  /**
   * @param news the done feed of the acquirer's namespace, or null to watch it for this wait
   */
  private AcquireWait(
      Acquirer acquirer,
      Calls calls,
      DoneNews news,
      String name,
      Map<String, String> metadata,
      Duration wait) {
    this.acquirer = acquirer;
    this.calls = calls;
    this.news = news;
    this.name = name;
    this.metadata = Map.copyOf(metadata);
    this.deadlineNanos = System.nanoTime() + wait.toNanos();
  }

  static CompletableFuture<AcquireResult> start(
      Acquirer acquirer,
      Calls calls,
      DoneNews news,
      String name,
      Map<String, String> metadata,
      Duration wait) {
    if (wait == null || wait.isNegative()) {
      throw new IllegalArgumentException("wait must be zero or positive, got " + wait);
    }
    calls.requireOpen();
    AcquireWait waiting = new AcquireWait(acquirer, calls, news, name, metadata, wait);
    waiting.result.whenComplete((answer, error) -> waiting.stop());
    if (news != null) {
      news.subscribe(waiting.heard);
    }
    waiting.ask();
    return waiting.result;
  }

  /**
   * Watches the namespace for the name's done mark, and asks again once the Watch has started (its
   * first response, a bookmark): a mark made before then is in that answer, one made after is
   * heard.
   */
  private void watchForDone() {
    AtomicBoolean started = new AtomicBoolean();
    calls
        .async()
        .watch(
            WatchRequest.newBuilder().setNamespace(acquirer.namespace()).build(),
            new ClientResponseObserver<WatchRequest, WatchResponse>() {
              @Override
              public void beforeStart(ClientCallStreamObserver<WatchRequest> call) {
                synchronized (AcquireWait.this) {
                  watch = call;
                  if (result.isDone()) {
                    call.cancel("the wait ended", null);
                  }
                }
              }

              @Override
              public void onNext(WatchResponse response) {
                if (started.compareAndSet(false, true) || response.getNamesList().contains(name)) {
                  ask();
                }
              }

              @Override
              public void onError(Throwable error) {
                Status.Code code = Status.fromThrowable(error).getCode();
                if (!result.isDone()
                    && code != Status.Code.CANCELLED
                    && code != Status.Code.UNIMPLEMENTED) {
                  // Not retried: the wait still asks again at heldUntil.
                  calls.listener().backgroundError("watching done marks while waiting", error);
                }
                if (started.compareAndSet(false, true)) {
                  ask();
                }
              }

              @Override
              public void onCompleted() {
                if (started.compareAndSet(false, true)) {
                  ask();
                }
              }
            });
  }

  private void heard(String doneName) {
    if (doneName.equals(name)) {
      ask();
    }
  }

  /** Asks now on a client thread; a request while one is asking asks again after it. */
  private void ask() {
    synchronized (this) {
      if (result.isDone()) {
        return;
      }
      if (asking) {
        askAgain = true;
        return;
      }
      asking = true;
    }
    try {
      calls.execute(this::askNow);
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(
          new AccordException(
              "acquire " + name + ": the Accord client is closed", Status.Code.CANCELLED, e));
    }
  }

  private void askNow() {
    AcquireResult answer;
    try {
      answer = acquirer.acquire(name, metadata);
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
      return;
    }
    long left = deadlineNanos - System.nanoTime();
    if (answer.status() != AcquireResult.Status.HELD || left <= 0) {
      if (!result.complete(answer) && answer.isAcquired()) {
        answer.lease().close(); // the caller stopped waiting meanwhile
      }
      return;
    }
    boolean again;
    synchronized (this) {
      asking = false;
      again = askAgain;
      askAgain = false;
      if (news == null && !watching) {
        watching = true;
        watchForDone();
      }
      if (!again) {
        long delay = Math.min(left, untilFree(answer.heldUntil().orElseGet(Instant::now)));
        next = calls.schedule(this::ask, Math.max(1, delay / 1_000_000));
        if (next == null) {
          result.complete(answer); // the client closed: the last answer stands
        }
      }
    }
    if (again) {
      ask();
    }
  }

  /** Nanoseconds until {@code heldUntil}, or a growing backoff once it has passed here. */
  private long untilFree(Instant heldUntil) {
    long left = Duration.between(Instant.now(), heldUntil).toNanos();
    if (left > 0) {
      early = 0;
      return left;
    }
    return EARLY.delayMillis(early++) * 1_000_000L;
  }

  private synchronized void stop() {
    if (news != null) {
      news.unsubscribe(heard);
    }
    if (watch != null) {
      watch.cancel("the wait ended", null);
    }
    if (next != null) {
      next.cancel(false);
    }
  }
}
