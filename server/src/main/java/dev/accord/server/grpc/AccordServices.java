package dev.accord.server.grpc;

import dev.accord.server.access.AccessPolicy;
import dev.accord.server.backend.Backend;
import dev.accord.server.metrics.AccordMeters;
import io.grpc.Metadata;
import io.grpc.ServerBuilder;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The Accord API as served: the V1 and admin services over a backend, behind the malformed-request
 * guard, on its own call and Watch threads. The real server, direct mode and the tests put it on
 * their {@link ServerBuilder} with {@link #addTo}, so all of them serve the same code in the same
 * way. Closing it stops its threads; the backend is not its to close.
 */
public final class AccordServices implements AutoCloseable {
  /**
   * Watch streams only look at the database briefly, between long waits: a couple of threads serve
   * many.
   */
  private static final int WATCH_THREADS = 2;

  private final AccordV1Service service;
  private final AdminService admin;
  private final ExecutorService callThreads;
  private final ScheduledExecutorService watchThreads;

  /**
   * @param callThreads threads for the calls that block on the backend (List, Renew, Claim);
   *     Acquire and Done only validate and queue, on the transport's own thread
   * @param threadPrefix names this instance's threads, e.g. {@code "accord-"}
   */
  public AccordServices(Backend backend, int callThreads, String threadPrefix) {
    this(backend, callThreads, threadPrefix, null);
  }

  /**
   * The API with access rules: {@code accessPolicy} decides what each authenticated caller may do
   * (null: authentication is off, every caller may do everything).
   */
  public AccordServices(
      Backend backend, int callThreads, String threadPrefix, AccessPolicy accessPolicy) {
    this(backend, callThreads, threadPrefix, accessPolicy, AccordMeters.off());
  }

  /** The API with access rules, counting what it answers in {@code meters}. */
  public AccordServices(
      Backend backend,
      int callThreads,
      String threadPrefix,
      AccessPolicy accessPolicy,
      AccordMeters meters) {
    this.callThreads =
        Executors.newFixedThreadPool(callThreads, daemonThreads(threadPrefix + "call-"));
    this.watchThreads =
        Executors.newScheduledThreadPool(WATCH_THREADS, daemonThreads(threadPrefix + "watch-"));
    this.service = new AccordV1Service(backend, watchThreads, accessPolicy, meters);
    this.admin = new AdminService(backend, accessPolicy);
  }

  /** Adds the V1 and admin services to {@code builder}, with the executors they run on. */
  public ServerBuilder<?> addTo(ServerBuilder<?> builder) {
    return addTo(builder, headers -> false);
  }

  /**
   * Adds the V1 and admin services to {@code builder}, with the executors they run on; a call whose
   * authentication may block ({@code authenticationMayBlock}) starts on the call threads even when
   * it would otherwise run on the network thread.
   *
   * <p>The server's own executor is the network thread, and every call that may block is sent to
   * the call threads by the supplier: gRPC looks up each call's method on the server's executor
   * before it asks the supplier, so with the call threads there every Acquire and Done would wake
   * one of them just for that look-up.
   */
  public ServerBuilder<?> addTo(
      ServerBuilder<?> builder, Predicate<Metadata> authenticationMayBlock) {
    ServerCallExecutorSupplier executors =
        new ServerCallExecutorSupplier() {
          @Override
          public <Q, R> Executor getExecutor(ServerCall<Q, R> call, Metadata headers) {
            Executor nonBlocking =
                authenticationMayBlock.test(headers)
                    ? null
                    : AccordV1Service.NON_BLOCKING_CALLS.getExecutor(call, headers);
            return nonBlocking != null ? nonBlocking : callThreads;
          }
        };
    return builder
        .directExecutor()
        .callExecutor(executors)
        .addService(MalformedRequests.guard(service.bindService()))
        .addService(MalformedRequests.guard(admin.bindService()));
  }

  /**
   * Ends open Watch streams with UNAVAILABLE, so their clients resume on another server at once.
   */
  public void endWatches() {
    service.endWatches();
  }

  /** Stops the threads: call once the server serving this has terminated. */
  @Override
  public void close() {
    callThreads.shutdown();
    watchThreads.shutdownNow();
  }

  /**
   * Daemon threads named {@code prefix} and a number: a server's threads never keep a JVM alive on
   * their own.
   */
  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
