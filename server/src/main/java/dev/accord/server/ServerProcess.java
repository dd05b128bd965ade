package dev.accord.server;

import dev.accord.server.access.AccessFileReloader;
import dev.accord.server.backend.Backend;
import dev.accord.server.http.AccordHttp;
import dev.accord.server.http.HttpEndpoint;
import dev.accord.server.metrics.ServerMetrics;
import dev.accord.server.retention.RetentionSweeper;
import dev.accord.server.security.Authenticator;
import dev.accord.server.security.BearerAuthenticators;
import dev.accord.server.tls.ClientCertificateAuthenticator;
import dev.accord.server.tls.ReloadingServerCredentials;
import dev.accord.server.tracing.Tracing;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server process from start to shutdown: opens the backend, starts the gRPC server (and the
 * plaintext health port and the HTTP listener when asked), logs what is off, and stops everything
 * in order on shutdown.
 */
final class ServerProcess {
  private static final Logger log = LoggerFactory.getLogger(ServerProcess.class);

  private ServerProcess() {}

  /**
   * Runs the server until it is shut down; returns the process's exit code.
   *
   * @param healthListen where to answer health checks in plaintext as well; null: nowhere else
   * @param httpListen where to serve {@code /metrics} and the progress page; empty: nowhere
   * @param metrics what the server records; its {@link ServerMetrics#scrape()} is the text for
   *     {@code /metrics}
   * @param databaseWait how long the database may take to answer once before the process gives up
   *     and exits 1; empty: for ever
   */
  static int serve(
      ServerConfig config,
      InetSocketAddress healthListen,
      Optional<InetSocketAddress> httpListen,
      ServerMetrics metrics,
      Optional<Duration> databaseWait)
      throws Exception {
    log.info("Starting Accord server {}", AccordServerMain.Version.version());
    List<Authenticator> authenticators = new ArrayList<>();
    if (config.tls().clientCertificatesRequired()) {
      authenticators.add(new ClientCertificateAuthenticator());
    }
    try {
      authenticators.addAll(BearerAuthenticators.of(config.auth()));
    } catch (IllegalArgumentException e) {
      log.error("{}", e.getMessage());
      return 2;
    }
    warnWhatIsOff(config);
    OpenTelemetry tracing;
    try {
      // Before the backend opens: its batches and the server's calls find it installed.
      tracing = Tracing.install(System.getenv());
    } catch (ConfigurationException e) {
      log.error("Invalid OTEL_ setting: {}", e.getMessage());
      return 2;
    }
    if (Tracing.configured(System.getenv())) {
      log.info("Tracing on: spans are exported as the OTEL_ variables say");
    }
    if (config.backend().equals("embedded")) {
      log.info(
          "Embedded PostgreSQL: data and binaries in {} (ACCORD_DATA_DIR chooses another directory)",
          config.dataDir().toAbsolutePath().normalize());
    }
    Backend backend;
    try {
      backend =
          Backends.open(config.backend(), config.dataDir(), config.poolSize(), metrics.registry());
    } catch (IllegalArgumentException e) {
      log.error("{}", e.getMessage());
      return 2;
    } catch (java.io.IOException e) {
      log.error("Cannot start the embedded database: {}", e.getMessage());
      return 1;
    }
    AccessFileReloader access = null;
    if (config.accessFile() != null) {
      try {
        access = AccessFileReloader.start(config.accessFile(), AccessFileReloader.DEFAULT_INTERVAL);
      } catch (IllegalArgumentException e) {
        log.error("{}", e.getMessage());
        backend.close();
        return 2;
      }
    }
    ReloadingServerCredentials tls = null;
    CallSecurity security =
        new CallSecurity(
            authenticators, access == null ? null : access.policy(), config.reflection());
    AccordServer server;
    try {
      ServerCredentials credentials = InsecureServerCredentials.create();
      if (config.tls().enabled()) {
        tls =
            ReloadingServerCredentials.start(
                config.tls(), ReloadingServerCredentials.DEFAULT_RELOAD_PERIOD);
        credentials = tls.credentials();
      }
      server =
          AccordServer.start(
              AccordServer.tcp(config.listen(), credentials),
              backend,
              callThreads(config.poolSize()),
              config.shutdownGrace(),
              config.healthInterval(),
              security,
              metrics);
    } catch (IllegalArgumentException e) {
      // A TLS file changed between the check and the start, or became unreadable.
      log.error("{}", e.getMessage());
      stopReloaders(tls, access);
      backend.close();
      return 2;
    } catch (java.io.IOException e) {
      log.error("{}", BindFailure.describe("ACCORD_LISTEN (--listen)", config.listen(), e));
      stopReloaders(tls, access);
      backend.close();
      return 1;
    }
    io.grpc.Server healthEndpoint = null;
    if (healthListen != null) {
      try {
        healthEndpoint = PlaintextHealthEndpoint.start(healthListen, server);
      } catch (java.io.IOException e) {
        log.error(
            "{} (health checks)",
            BindFailure.describe("ACCORD_HEALTH_LISTEN (--health-listen)", healthListen, e));
        server.shutdown();
        stopReloaders(tls, access);
        return 1;
      }
      log.info(
          "Health checks also answered in plaintext on {} (the health service only)",
          describe(healthListen, healthEndpoint.getPort()));
    }
    io.grpc.Server health = healthEndpoint;
    HttpEndpoint httpEndpoint = null;
    if (httpListen.isPresent()) {
      try {
        httpEndpoint = AccordHttp.start(httpListen.get(), backend, security, metrics::scrape);
      } catch (java.io.IOException e) {
        log.error(
            "{} (HTTP; ACCORD_HTTP_LISTEN=off turns it off)",
            BindFailure.describe("ACCORD_HTTP_LISTEN (--http-listen)", httpListen.get(), e));
        server.shutdown();
        if (health != null) {
          health.shutdownNow();
        }
        stopReloaders(tls, access);
        return 1;
      }
      log.info(
          "HTTP listening on {}: /metrics, and the progress page at /{}",
          describe(httpListen.get(), httpEndpoint.port()),
          security.authenticates() ? " (it asks for a bearer token)" : "");
    }
    HttpEndpoint httpServer = httpEndpoint;
    RetentionSweeper sweeper = RetentionSweeper.start(backend, config.retention());
    log.info(
        "Accord server listening on {} (backend: {}, {})",
        describe(config.listen(), server.port()),
        backend.describe(),
        config.tls().enabled()
            ? (config.tls().clientCertificatesRequired() ? "TLS with client certificates" : "TLS")
            : "plaintext");
    Thread hook =
        new Thread(
            () -> {
              log.info(
                  "Shutting down: refusing new calls, giving in-flight calls {} s",
                  config.shutdownGrace().toSeconds());
              sweeper.close();
              if (httpServer != null) {
                httpServer.close();
              }
              boolean clean = server.shutdown();
              // After the API port: probes see NOT_SERVING during the grace period.
              if (health != null) {
                health.shutdownNow();
              }
              // After the calls have ended: their spans are flushed with the rest.
              Tracing.shutdown(tracing);
              log.info("Accord server stopped{}", clean ? "" : " (some calls were cancelled)");
            },
            "accord-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    if (databaseWait.isPresent() && !server.awaitBackendAnswer(databaseWait.get())) {
      // The exit runs the hook, which stops everything in order.
      log.error(
          "The database did not answer within {} s of the start (ACCORD_DATABASE_WAIT): {}."
              + " Exiting; check that PostgreSQL is running and that ACCORD_BACKEND points at it with"
              + " the right user and password, or unset ACCORD_DATABASE_WAIT to keep waiting",
          databaseWait.get().toSeconds(),
          server.lastBackendProblem());
      return 1;
    }
    server.awaitTermination();
    stopReloaders(tls, access);
    return 0;
  }

  /** One WARN line at start for each protection that is off, saying how to turn it on. */
  private static void warnWhatIsOff(ServerConfig config) {
    boolean plaintext = !config.tls().enabled();
    if (plaintext && !config.authenticationOn()) {
      log.warn(
          "Plaintext gRPC and ACCORD_AUTH=none: calls are unencrypted and unauthenticated, anyone "
              + "who reaches this port may act as any worker (set ACCORD_TLS_CERT_FILE, "
              + "ACCORD_TLS_KEY_FILE and ACCORD_AUTH)");
    } else if (plaintext) {
      log.warn(
          "Plaintext gRPC: credentials travel unencrypted (set ACCORD_TLS_CERT_FILE and "
              + "ACCORD_TLS_KEY_FILE for TLS)");
    } else if (!config.authenticationOn()) {
      log.warn(
          "ACCORD_AUTH=none: calls are unauthenticated, anyone who reaches this port may act as "
              + "any worker (set ACCORD_AUTH, or ACCORD_TLS_CLIENT_CA_FILE for client "
              + "certificates)");
    }
  }

  /** Stops the file reloaders that were started; either may be null. */
  private static void stopReloaders(ReloadingServerCredentials tls, AccessFileReloader access) {
    if (tls != null) {
      tls.close();
    }
    if (access != null) {
      access.close();
    }
  }

  /** One thread per connection, plus some for calls that never reach the database. */
  static int callThreads(int poolSize) {
    return poolSize * 2;
  }

  private static String describe(InetSocketAddress listen, int port) {
    String host =
        listen.getAddress() == null || listen.getAddress().isAnyLocalAddress()
            ? "*"
            : listen.getHostString();
    return host + ":" + port;
  }
}
