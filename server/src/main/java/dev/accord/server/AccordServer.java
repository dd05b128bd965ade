package dev.accord.server;

import dev.accord.api.InputLimits;
import dev.accord.server.backend.Backend;
import dev.accord.server.grpc.AccordServices;
import dev.accord.server.grpc.BackendHealthMonitor;
import dev.accord.server.logging.RequestLog;
import dev.accord.server.metrics.AccordMeters;
import dev.accord.server.metrics.GrpcCallMetrics;
import dev.accord.server.metrics.ServerMetrics;
import dev.accord.server.security.AuthenticationInterceptor;
import dev.accord.server.tracing.ServerTracing;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerCredentials;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.opentelemetry.api.GlobalOpenTelemetry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Accord gRPC server: the V1 API ({@link AccordServices}), the standard health service
 * (tied to the backend) and server reflection, on whatever transport the given {@link
 * ServerBuilder} brings — TCP from {@link #tcp}, or in-process in tests. It owns its backend and
 * closes it on shutdown.
 */
public final class AccordServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AccordServer.class);

  /**
   * The health service name a liveness probe asks for: SERVING while the process runs, whatever the
   * database does (the empty name and the V1 service's name follow the database, for readiness).
   */
  public static final String LIVENESS_SERVICE = "accord.liveness";

  private final Server server;
  private final AccordServices services;
  private final Backend backend;
  private final HealthStatusManager health;
  private final BackendHealthMonitor monitor;
  private final Duration shutdownGrace;
  private final AutoCloseable backendGauges;

  /** The transport's own event loops; null when the transport is not Netty's (in-process). */
  private final ServerEventLoops eventLoops;

  private volatile boolean stopped;

  private AccordServer(
      Server server,
      AccordServices services,
      Backend backend,
      HealthStatusManager health,
      BackendHealthMonitor monitor,
      Duration shutdownGrace,
      AutoCloseable backendGauges,
      ServerEventLoops eventLoops) {
    this.backendGauges = backendGauges;
    this.eventLoops = eventLoops;
    this.server = server;
    this.services = services;
    this.backend = backend;
    this.health = health;
    this.monitor = monitor;
    this.shutdownGrace = shutdownGrace;
  }

  /** Concurrent calls (streams included) one connection may have open. */
  static final int MAX_CALLS_PER_CONNECTION = 1_000;

  /** Plaintext {@link #tcp(InetSocketAddress, ServerCredentials)}. */
  public static ServerBuilder<?> tcp(InetSocketAddress listen) {
    return tcp(listen, InsecureServerCredentials.create());
  }

  /**
   * The TCP transport on {@code listen} (port 0: any free port) speaking {@code credentials} (TLS
   * from {@code dev.accord.server.tls}, or plaintext), with the connection policy every Accord
   * server has.
   */
  public static ServerBuilder<?> tcp(InetSocketAddress listen, ServerCredentials credentials) {
    return NettyServerBuilder.forAddress(listen, credentials)
        // Go and Java clients may ping to keep idle connections through load balancers: allow it.
        .permitKeepAliveTime(10, TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(true)
        // Reconnecting now and then lets clients balancing over a headless Service find new
        // replicas.
        .maxConnectionAge(10, TimeUnit.MINUTES)
        .maxConnectionAgeGrace(30, TimeUnit.SECONDS)
        // What one connection can pin: no message larger than the largest valid request (1 MB, not
        // gRPC's 4 MiB), no more concurrent calls than a worker fleet behind one connection needs,
        // and no connection kept once it has been idle or its peer stopped answering pings.
        .maxInboundMessageSize(InputLimits.MAX_REQUEST_BYTES)
        .maxConcurrentCallsPerConnection(MAX_CALLS_PER_CONNECTION)
        .maxConnectionIdle(5, TimeUnit.MINUTES)
        .keepAliveTime(1, TimeUnit.MINUTES)
        .keepAliveTimeout(20, TimeUnit.SECONDS);
  }

  /**
   * Starts serving {@code backend} on {@code transport}.
   *
   * @param callThreads threads for calls that wait on the backend
   * @param shutdownGrace how long in-flight calls may run after {@link #shutdown()} begins
   * @param healthInterval how often the backend's health is checked for the health service
   * @throws IOException when the transport cannot listen; nothing is left running, the backend
   *     stays open
   */
  public static AccordServer start(
      ServerBuilder<?> transport,
      Backend backend,
      int callThreads,
      Duration shutdownGrace,
      Duration healthInterval)
      throws IOException {
    return start(transport, backend, callThreads, shutdownGrace, healthInterval, CallSecurity.OPEN);
  }

  /**
   * Starts serving {@code backend} on {@code transport}, every call but health checks authenticated
   * and checked against the access rules as {@code security} says, with server reflection only when
   * it says so.
   */
  public static AccordServer start(
      ServerBuilder<?> transport,
      Backend backend,
      int callThreads,
      Duration shutdownGrace,
      Duration healthInterval,
      CallSecurity security)
      throws IOException {
    return start(
        transport,
        backend,
        callThreads,
        shutdownGrace,
        healthInterval,
        security,
        ServerMetrics.off());
  }

  /**
   * Starts serving as {@link #start(ServerBuilder, Backend, int, Duration, Duration, CallSecurity)}
   * does, recording calls, what the API answers and the backend's health in {@code metrics}.
   */
  public static AccordServer start(
      ServerBuilder<?> transport,
      Backend backend,
      int callThreads,
      Duration shutdownGrace,
      Duration healthInterval,
      CallSecurity security,
      ServerMetrics metrics)
      throws IOException {
    AuthenticationInterceptor authentication =
        security.authenticates() ? new AuthenticationInterceptor(security.authenticators()) : null;
    if (authentication != null) {
      transport.intercept(authentication);
    }
    // Added after authentication, so run before it: refused calls are logged and counted too.
    transport.intercept(new RequestLog());
    if (metrics.enabled()) {
      transport.intercept(new GrpcCallMetrics(metrics.registry()));
    }
    // Added last, so runs first: the call's span is current for the request log and every call.
    // Without an installed OpenTelemetry (the OTEL_ variables not set) there is no interceptor.
    if (GlobalOpenTelemetry.isSet()) {
      transport.intercept(new ServerTracing(GlobalOpenTelemetry.get()));
    }
    HealthStatusManager health = new HealthStatusManager();
    // Liveness must not follow the database: restarting servers does not bring PostgreSQL back.
    health.setStatus(LIVENESS_SERVICE, ServingStatus.SERVING);
    BackendHealthMonitor monitor =
        new BackendHealthMonitor(backend, health, healthInterval, metrics.registry());
    monitor.start();
    AccordServices services =
        new AccordServices(
            backend,
            callThreads,
            "accord-",
            security.accessPolicy(),
            new AccordMeters(metrics.registry()));
    services
        .addTo(transport, headers -> authentication != null && authentication.mayBlock(headers))
        .addService(health.getHealthService());
    if (security.reflection()) {
      transport.addService(ProtoReflectionServiceV1.newInstance());
    }
    ServerEventLoops eventLoops =
        transport instanceof NettyServerBuilder netty ? ServerEventLoops.installOn(netty) : null;
    Server server = transport.build();
    try {
      server.start();
    } catch (IOException e) {
      monitor.close();
      services.close();
      if (eventLoops != null) {
        eventLoops.close();
      }
      throw e;
    }
    return new AccordServer(
        server,
        services,
        backend,
        health,
        monitor,
        shutdownGrace,
        metrics.startBackendGauges(backend),
        eventLoops);
  }

  /** The health service this server answers, to serve on another port as well. */
  public io.grpc.BindableService healthService() {
    return health.getHealthService();
  }

  /** The port accepting calls (-1 for a transport without ports). */
  public int port() {
    return server.getPort();
  }

  public Backend backend() {
    return backend;
  }

  /**
   * Waits until the backend has answered a health check once.
   *
   * @return whether it did within {@code timeout}
   */
  public boolean awaitBackendAnswer(Duration timeout) throws InterruptedException {
    return monitor.awaitFirstAnswer(timeout);
  }

  /** Why the backend's last failed health check failed. */
  public String lastBackendProblem() {
    return monitor.lastProblem();
  }

  /** Blocks until the server has shut down. */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /**
   * Stops gracefully: health turns NOT_SERVING for good, new calls are refused, in-flight calls get
   * the grace period to finish and are cancelled after it; then the backend closes (stopping an
   * embedded database).
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
    try {
      backendGauges.close();
    } catch (Exception e) {
      log.warn("Could not stop the metrics' backend gauges: {}", e.toString(), e);
    }
    server.shutdown();
    services.endWatches();
    boolean clean;
    try {
      clean = server.awaitTermination(shutdownGrace.toMillis(), TimeUnit.MILLISECONDS);
      if (!clean) {
        log.warn(
            "In-flight calls still running after {} s: cancelling them", shutdownGrace.toSeconds());
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
      clean = false;
    }
    if (eventLoops != null) {
      eventLoops.close();
    }
    services.close();
    backend.close();
    return clean;
  }

  @Override
  public void close() {
    shutdown();
  }
}
