package dev.accord.server.grpc;

import dev.accord.api.v1.V1Grpc;
import dev.accord.server.backend.Backend;
import dev.accord.server.backend.BackendUnavailableException;
import dev.accord.server.metrics.ServerMetrics;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the standard gRPC health service honest: SERVING only while the backend answers. Checks on
 * a fixed interval and logs each change once, with what to do, instead of once per failed check.
 */
public final class BackendHealthMonitor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BackendHealthMonitor.class);

  /** The service names a health check may ask for: the whole server and the V1 API. */
  static final String[] SERVICES = {
    HealthStatusManager.SERVICE_NAME_ALL_SERVICES, V1Grpc.SERVICE_NAME
  };

  private final Backend backend;
  private final HealthStatusManager health;
  private final ScheduledExecutorService scheduler;
  private final Duration interval;
  private Boolean
      serving; // null until the first check; only the scheduler thread touches it after start

  /** Opened by the first check the backend answers. */
  private final java.util.concurrent.CountDownLatch firstAnswer =
      new java.util.concurrent.CountDownLatch(1);

  /** Why the last failed check failed; null before any failed. */
  private volatile String lastProblem;

  /** 1 while the backend answers, 0 while it does not ({@code accord_backend_up}). */
  private final AtomicInteger up = new AtomicInteger();

  public BackendHealthMonitor(Backend backend, HealthStatusManager health, Duration interval) {
    this(backend, health, interval, ServerMetrics.off().registry());
  }

  /** A monitor that also exports whether the backend answers, in {@code registry}. */
  public BackendHealthMonitor(
      Backend backend, HealthStatusManager health, Duration interval, MeterRegistry registry) {
    Gauge.builder("accord.backend.up", up, AtomicInteger::get)
        .description("1 while the database answers health checks, 0 while it does not")
        .register(registry);
    this.backend = backend;
    this.health = health;
    this.interval = interval;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "accord-health");
              thread.setDaemon(true);
              return thread;
            });
    for (String service : SERVICES) {
      health.setStatus(service, ServingStatus.NOT_SERVING);
    }
  }

  /** Checks once now, on the caller's thread, then every interval in the background. */
  public void start() {
    check();
    scheduler.scheduleWithFixedDelay(
        this::check, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private synchronized void check() {
    try {
      backend.checkHealth();
      up.set(1);
      firstAnswer.countDown();
      if (!Boolean.TRUE.equals(serving)) {
        if (serving != null) {
          log.info("Database reachable again: serving");
        }
        setAll(ServingStatus.SERVING);
        serving = true;
      }
    } catch (BackendUnavailableException e) {
      up.set(0);
      if (!Boolean.FALSE.equals(serving)) {
        String problem = e.getMessage().endsWith(".") ? e.getMessage() : e.getMessage() + ".";
        lastProblem = e.getMessage();
        log.error(
            "{} Calls answer UNAVAILABLE and health NOT_SERVING until it answers again; check that "
                + "PostgreSQL is running and that ACCORD_BACKEND points at it",
            problem);
        setAll(ServingStatus.NOT_SERVING);
        serving = false;
      }
    } catch (RuntimeException e) {
      up.set(0);
      log.error("Health check failed unexpectedly; reporting NOT_SERVING", e);
      setAll(ServingStatus.NOT_SERVING);
      serving = false;
    }
  }

  /**
   * Waits until the backend has answered a check once.
   *
   * @return whether it did within {@code timeout}
   */
  public boolean awaitFirstAnswer(Duration timeout) throws InterruptedException {
    return firstAnswer.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Why the last failed check failed, or "no check has failed yet". */
  public String lastProblem() {
    String problem = lastProblem;
    return problem == null ? "no check has failed yet" : problem;
  }

  private void setAll(ServingStatus status) {
    for (String service : SERVICES) {
      health.setStatus(service, status);
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
