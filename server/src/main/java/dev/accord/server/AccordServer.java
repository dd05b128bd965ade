package dev.accord.server;

import dev.accord.server.backend.Backend;
import dev.accord.server.grpc.AccordV1Service;
import dev.accord.server.grpc.BackendHealthMonitor;
import dev.accord.server.grpc.MalformedRequests;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Accord gRPC server: the V1 API, the standard health service (tied to the backend) and server
 * reflection, on a bounded pool of call threads. It owns its backend and closes it on shutdown.
 */
public final class AccordServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AccordServer.class);
  /**
   * The health service name a liveness probe asks for: SERVING while the process runs, whatever the database does
   * (the empty name and the V1 service's name follow the database, for readiness).
   */
  public static final String LIVENESS_SERVICE = "accord.liveness";
  /** Watch streams only look at the database briefly, between long waits: a couple of threads serve many. */
  private static final int WATCH_THREADS = 2;

  private final Server server;
  private final AccordV1Service service;
  private final Backend backend;
  private final HealthStatusManager health;
  private final BackendHealthMonitor monitor;
  private final ExecutorService callExecutor;
  private final ScheduledExecutorService watchExecutor;
  private final Duration shutdownGrace;
  private volatile boolean stopped;

  private AccordServer(Server server, AccordV1Service service, Backend backend, HealthStatusManager health, BackendHealthMonitor monitor,
      ExecutorService callExecutor, ScheduledExecutorService watchExecutor, Duration shutdownGrace) {
    this.server = server;
    this.service = service;
    this.backend = backend;
    this.health = health;
    this.monitor = monitor;
    this.callExecutor = callExecutor;
    this.watchExecutor = watchExecutor;
    this.shutdownGrace = shutdownGrace;
  }

  /** Starts serving {@code backend} on {@code listen} (port 0: any free port). */
  public static AccordServer start(Backend backend, InetSocketAddress listen, int callThreads,
      Duration shutdownGrace, Duration healthInterval) throws IOException {
    HealthStatusManager health = new HealthStatusManager();
    // Liveness must not follow the database: restarting servers does not bring PostgreSQL back.
    health.setStatus(LIVENESS_SERVICE, io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
    BackendHealthMonitor monitor = new BackendHealthMonitor(backend, health, healthInterval);
    monitor.start();
    ExecutorService callExecutor = Executors.newFixedThreadPool(callThreads, namedThreads("accord-call-"));
    ScheduledExecutorService watchExecutor =
        Executors.newScheduledThreadPool(WATCH_THREADS, namedThreads("accord-watch-"));
    AccordV1Service service = new AccordV1Service(backend, watchExecutor);
    Server server = NettyServerBuilder.forAddress(listen)
        .executor(callExecutor)
        .callExecutor(AccordV1Service.NON_BLOCKING_CALLS)
        .addService(MalformedRequests.guard(service.bindService()))
        .addService(health.getHealthService())
        .addService(ProtoReflectionServiceV1.newInstance())
        // Go and Java clients may ping to keep idle connections through load balancers: allow it.
        .permitKeepAliveTime(10, TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(true)
        // Reconnecting now and then lets clients balancing over a headless Service find new replicas.
        .maxConnectionAge(10, TimeUnit.MINUTES)
        .maxConnectionAgeGrace(30, TimeUnit.SECONDS)
        .build();
    try {
      server.start();
    } catch (IOException e) {
      monitor.close();
      callExecutor.shutdownNow();
      watchExecutor.shutdownNow();
      throw new IOException("cannot listen on " + listen + ": " + e.getMessage()
          + " (is another server on that port? set ACCORD_LISTEN)", e);
    }
    return new AccordServer(server, service, backend, health, monitor, callExecutor, watchExecutor, shutdownGrace);
  }

  /** Daemon threads named {@code prefix} and a number: a server's threads never keep a JVM alive on their own. */
  public static ThreadFactory namedThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** The port accepting calls. */
  public int port() {
    return server.getPort();
  }

  public Backend backend() {
    return backend;
  }

  /** Blocks until the server has shut down. */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /**
   * Stops gracefully: health turns NOT_SERVING for good, new calls are refused, in-flight calls get the grace
   * period to finish and are cancelled after it; then the backend closes (stopping an embedded database).
   *
   * @return whether every in-flight call finished within the grace period
   */
  public synchronized boolean shutdown() {
    if (stopped) {
      return true;
    }
    stopped = true;
    health.enterTerminalState();
    monitor.close();
    server.shutdown();
    service.endWatches();
    boolean clean;
    try {
      clean = server.awaitTermination(shutdownGrace.toMillis(), TimeUnit.MILLISECONDS);
      if (!clean) {
        log.warn("In-flight calls still running after {} s: cancelling them", shutdownGrace.toSeconds());
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
      clean = false;
    }
    callExecutor.shutdownNow();
    watchExecutor.shutdownNow();
    backend.close();
    return clean;
  }

  @Override
  public void close() {
    shutdown();
  }
}
