package dev.accord.client;

import com.google.common.util.concurrent.MoreExecutors;
import dev.accord.api.admin.AdminGrpc;
import dev.accord.api.v1.RenewRequest;
import dev.accord.api.v1.RenewResponse;
import dev.accord.api.v1.V1Grpc;
import io.grpc.CallCredentials;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One client's way to the server: the channel and its stubs, the call deadline, retries of
 * transient failures, the translation of a failed call into an {@link AccordException},
 * reconnection, and the scheduler thread and the listener that the background work (renewals, the
 * done feed) shares. Closing it stops all of them.
 */
final class Calls implements AutoCloseable {
  /** Retries of a unary call, until its deadline. */
  private static final Backoff RETRY = new Backoff(50, 2_000);

  /**
   * Idling the channel makes it resolve and connect afresh: at most this often, so a burst of
   * failures idles once.
   */
  private static final long IDLE_AT_MOST_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

  private static final long SHUTDOWN_WAIT_SECONDS = 5;

  private final ManagedChannel channel;
  private final AutoCloseable onClose;
  private final V1Grpc.V1BlockingStub blocking;
  private final V1Grpc.V1Stub async;
  private final AdminGrpc.AdminBlockingStub admin;
  private final Duration callDeadline;
  private final AccordClient.Listener listener;
  private final ScheduledExecutorService scheduler;
  private final ClientMetrics metrics;

  /** Runs the blocking calls behind the CompletableFuture forms (and waits' attempts). */
  private final ExecutorService callers;

  /** Starts long enough ago that the first reconnect may idle the channel. */
  private final AtomicLong lastIdleNanos =
      new AtomicLong(System.nanoTime() - TimeUnit.SECONDS.toNanos(10));

  private volatile boolean closed;

  /**
   * @param channel the connection, closed with this
   * @param onClose run after the channel has closed, or null
   */
  Calls(
      ManagedChannel channel,
      AutoCloseable onClose,
      Duration callDeadline,
      AccordClient.Listener listener) {
    this(channel, onClose, callDeadline, listener, null);
  }

  /**
   * @param credentials sent with every call, streams included; null sends none
   */
  Calls(
      ManagedChannel channel,
      AutoCloseable onClose,
      Duration callDeadline,
      AccordClient.Listener listener,
      CallCredentials credentials) {
    this(channel, onClose, callDeadline, listener, credentials, ClientMetrics.NONE);
  }

  /**
   * @param metrics sees every call, and what the client does
   */
  Calls(
      ManagedChannel channel,
      AutoCloseable onClose,
      Duration callDeadline,
      AccordClient.Listener listener,
      CallCredentials credentials,
      ClientMetrics metrics) {
    this.metrics = metrics;
    this.channel = channel;
    this.onClose = onClose;
    this.blocking =
        V1Grpc.newBlockingStub(channel)
            .withCallCredentials(credentials)
            .withInterceptors(metrics.interceptors());
    this.async =
        V1Grpc.newStub(channel)
            .withCallCredentials(credentials)
            .withInterceptors(metrics.interceptors());
    this.admin =
        AdminGrpc.newBlockingStub(channel)
            .withCallCredentials(credentials)
            .withInterceptors(metrics.interceptors());
    this.callDeadline = callDeadline;
    this.listener = listener;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "accord-client");
              thread.setDaemon(true);
              return thread;
            });
    this.callers =
        Executors.newCachedThreadPool(
            runnable -> {
              Thread thread = new Thread(runnable, "accord-call");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** How long one call may take, retries included. */
  Duration callDeadline() {
    return callDeadline;
  }

  AccordClient.Listener listener() {
    return listener;
  }

  ClientMetrics metrics() {
    return metrics;
  }

  /**
   * The stub for streaming and background calls, which set their own deadlines and handle their own
   * failures.
   */
  V1Grpc.V1Stub async() {
    return async;
  }

  /** The admin API, under the call deadline, for the few admin calls a worker makes. */
  AdminGrpc.AdminBlockingStub admin() {
    return admin.withDeadlineAfter(callDeadline.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * Runs a unary call, retrying UNAVAILABLE with capped exponential backoff and jitter until the
   * call deadline. A retried acquire whose first attempt reached the server answers HELD (the lease
   * is ours, but we never heard): the resource then waits for that lease to run out, and is never
   * processed twice.
   *
   * @param what the call as the worker would name it, for the error message
   * @throws AccordException when the server refuses the call ({@link LeaseLostException} for a
   *     refused handle), or stays unavailable until the deadline
   */
  <T> T call(String what, Function<V1Grpc.V1BlockingStub, T> attempt) {
    Deadline deadline = Deadline.after(callDeadline.toNanos(), TimeUnit.NANOSECONDS);
    for (int retry = 0; ; retry++) {
      try {
        V1Grpc.V1BlockingStub stub = blocking.withDeadline(deadline);
        return attempt.apply(retry == 0 ? stub : stub.withOption(ClientMetrics.RETRY, true));
      } catch (StatusRuntimeException e) {
        long wait = RETRY.delayMillis(retry);
        AccordException failure = failureAfter(what, e, wait, deadline);
        if (failure != null) {
          throw failure;
        }
        try {
          Thread.sleep(wait);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new AccordException(
              what + ": interrupted while waiting to retry", Status.Code.CANCELLED, e);
        }
      }
    }
  }

  /**
   * {@link #call} without blocking a thread: attempts go out on the asynchronous stub and a retry
   * waits on the scheduler. The answer is taken on the channel's network thread, without the hand-
   * off to an executor thread that each message of a call costs otherwise, so the future completes
   * there (or on the scheduler's thread): its dependents must not block, nor wait for a monitor
   * that a thread holds across a call.
   */
  <T> CompletableFuture<T> callAsync(
      String what, BiConsumer<V1Grpc.V1Stub, StreamObserver<T>> attempt) {
    CompletableFuture<T> answer = new CompletableFuture<>();
    Deadline deadline = Deadline.after(callDeadline.toNanos(), TimeUnit.NANOSECONDS);
    attemptAsync(what, attempt, deadline, 0, answer);
    return answer;
  }

  private <T> void attemptAsync(
      String what,
      BiConsumer<V1Grpc.V1Stub, StreamObserver<T>> attempt,
      Deadline deadline,
      int retry,
      CompletableFuture<T> answer) {
    V1Grpc.V1Stub stub = async.withDeadline(deadline).withExecutor(MoreExecutors.directExecutor());
    attempt.accept(
        retry == 0 ? stub : stub.withOption(ClientMetrics.RETRY, true),
        new StreamObserver<T>() {
          private T value;

          @Override
          public void onNext(T response) {
            value = response;
          }

          @Override
          public void onError(Throwable t) {
            StatusRuntimeException e =
                t instanceof StatusRuntimeException failed
                    ? failed
                    : Status.fromThrowable(t).asRuntimeException(Status.trailersFromThrowable(t));
            long wait = RETRY.delayMillis(retry);
            AccordException failure = failureAfter(what, e, wait, deadline);
            if (failure != null) {
              answer.completeExceptionally(failure);
            } else if (schedule(
                    () -> attemptAsync(what, attempt, deadline, retry + 1, answer), wait)
                == null) {
              answer.completeExceptionally(closedUnder(what, e));
            }
          }

          @Override
          public void onCompleted() {
            answer.complete(value);
          }
        });
  }

  /**
   * After an attempt failed with {@code e}: the exception to give up with, or null to try again
   * after {@code waitMillis} (the channel is told to reconnect).
   */
  private AccordException failureAfter(
      String what, StatusRuntimeException e, long waitMillis, Deadline deadline) {
    if (!CallFailures.isTransient(e.getStatus())) {
      return CallFailures.translate(what, e);
    }
    if (closed) {
      // A closed channel answers UNAVAILABLE for good: waiting out the deadline would only delay
      // the caller.
      return closedUnder(what, e);
    }
    if (deadline.timeRemaining(TimeUnit.MILLISECONDS) <= waitMillis) {
      return new AccordException(
          what
              + ": server unavailable until the call deadline ("
              + callDeadline.toMillis()
              + " ms): "
              + e.getStatus().getDescription(),
          Status.Code.UNAVAILABLE,
          e);
    }
    reconnectNow();
    return null;
  }

  private static AccordException closedUnder(String what, Throwable e) {
    return new AccordException(what + ": the Accord client is closed", Status.Code.CANCELLED, e);
  }

  /**
   * Our retries pace reconnection. Without this a channel whose server went away waits out gRPC's
   * reconnect backoff (which grows to minutes), and keeps the addresses it resolved at start: gRPC
   * re-resolves DNS at most every 30 s, so a client that knew only a killed replica would miss the
   * others for that long. Idling the channel (at most once a second) makes its next call resolve
   * afresh; calls in flight carry on.
   */
  void reconnectNow() {
    channel.resetConnectBackoff();
    long now = System.nanoTime();
    long last = lastIdleNanos.get();
    if (now - last > IDLE_AT_MOST_EVERY_NANOS && lastIdleNanos.compareAndSet(last, now)) {
      channel.enterIdle();
    }
  }

  boolean isClosed() {
    return closed;
  }

  /**
   * @throws IllegalStateException once this is closed: the client takes no new work
   */
  void requireOpen() {
    if (closed) {
      throw new IllegalStateException("the Accord client is closed");
    }
  }

  /**
   * Runs {@code task} after {@code delayMillis} on the shared scheduler thread, which tasks must
   * not block.
   *
   * @return the scheduled task, or null once this is closed: background work ends with the client
   */
  ScheduledFuture<?> schedule(Runnable task, long delayMillis) {
    if (closed) {
      return null;
    }
    return scheduler.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
  }

  /**
   * Sends {@code request} without blocking; {@code onDone} or {@code onError} runs on a channel
   * thread when it ends.
   */
  void renewInBackground(
      RenewRequest request, Deadline deadline, Runnable onDone, Consumer<Throwable> onError) {
    renewInBackground(request, deadline, false, onDone, onError);
  }

  /**
   * @param retry whether this repeats a renewal that failed
   */
  void renewInBackground(
      RenewRequest request,
      Deadline deadline,
      boolean retry,
      Runnable onDone,
      Consumer<Throwable> onError) {
    V1Grpc.V1Stub stub = async.withDeadline(deadline);
    (retry ? stub.withOption(ClientMetrics.RETRY, true) : stub)
        .renew(
            request,
            new StreamObserver<RenewResponse>() {
              @Override
              public void onNext(RenewResponse value) {}

              @Override
              public void onError(Throwable t) {
                onError.accept(t);
              }

              @Override
              public void onCompleted() {
                onDone.run();
              }
            });
  }

  /**
   * Runs {@code call} on a thread of the client's own, completing the future with its answer or its
   * exception.
   */
  <T> CompletableFuture<T> inBackground(Supplier<T> call) {
    requireOpen();
    return CompletableFuture.supplyAsync(call, callers);
  }

  /** Runs {@code work} on a thread of the client's own, where it may block on calls. */
  void execute(Runnable work) {
    callers.execute(work);
  }

  /**
   * Stops the scheduler and closes the channel, waiting up to 5 s for calls in flight, then runs
   * the close hook; its failure goes to the listener.
   */
  @Override
  public void close() {
    closed = true;
    scheduler.shutdownNow();
    callers.shutdown();
    channel.shutdown();
    try {
      if (!channel.awaitTermination(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS)) {
        channel.shutdownNow();
      }
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    }
    if (onClose != null) {
      try {
        onClose.close();
      } catch (Exception e) {
        listener.backgroundError("closing", e);
      }
    }
  }
}
