package dev.accord.server;

import dev.accord.server.http.HttpListen;
import dev.accord.server.metrics.BackendGauges;
import dev.accord.server.metrics.ServerMetrics;
import dev.accord.server.retention.RetentionPeriod;
import dev.accord.server.security.AuthMode;
import dev.accord.server.tls.TlsSettings;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The server's command-line options, each also read from the environment variable its description
 * names, and their validation into a {@link ServerConfig}: every error names the variable and flag
 * to fix.
 */
final class ServerOptions {
  @Option(
      names = "--listen",
      defaultValue = "${env:ACCORD_LISTEN:-:7475}",
      paramLabel = "[HOST]:PORT",
      description = "Address to accept gRPC on (ACCORD_LISTEN, default ${DEFAULT-VALUE}).")
  String listen;

  @Option(
      names = "--health-listen",
      defaultValue = "${env:ACCORD_HEALTH_LISTEN}",
      paramLabel = "[HOST]:PORT",
      description =
          "Also answer the standard gRPC health service, and only it, in plaintext on this address:"
              + " for Kubernetes' gRPC probes, which cannot speak TLS (ACCORD_HEALTH_LISTEN; unset:"
              + " no such port).")
  String healthListen;

  @Option(
      names = "--http-listen",
      defaultValue = "${env:ACCORD_HTTP_LISTEN:-:9090}",
      paramLabel = "[HOST]:PORT|off",
      description =
          "Serve /metrics and the progress page over HTTP on this address, or off "
              + "(ACCORD_HTTP_LISTEN, default ${DEFAULT-VALUE}).")
  String httpListen;

  @Option(
      names = "--retention",
      defaultValue = "${env:ACCORD_RETENTION:-off}",
      paramLabel = "PERIOD",
      description =
          "Delete resources done longer ago than this, in the background: 30d, 12h, 90m or off"
              + " (ACCORD_RETENTION, default ${DEFAULT-VALUE}).")
  String retention;

  @Option(
      names = "--backend",
      defaultValue = "${env:ACCORD_BACKEND:-embedded}",
      paramLabel = "BACKEND",
      description =
          "embedded | memory | postgres://user:password@host:port/db | jdbc:postgresql://... | postgres "
              + "(connects with PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD) "
              + "(ACCORD_BACKEND, default ${DEFAULT-VALUE}).")
  String backend;

  @Option(
      names = "--data-dir",
      defaultValue = "${env:ACCORD_DATA_DIR}",
      paramLabel = "DIR",
      description =
          "Where the embedded backend keeps its database and binaries (ACCORD_DATA_DIR, default"
              + " $XDG_DATA_HOME/accord, i.e. ~/.local/share/accord).")
  Path dataDir;

  @Option(
      names = "--database-wait",
      defaultValue = "${env:ACCORD_DATABASE_WAIT:-off}",
      paramLabel = "PERIOD|off",
      description =
          "Exit (code 1) when the database has not answered once within this period of the start:"
              + " 30s, 5m, 1h or off, which keeps serving NOT_SERVING until it answers, as Kubernetes"
              + " wants (ACCORD_DATABASE_WAIT, default ${DEFAULT-VALUE}).")
  String databaseWait;

  @Option(
      names = "--pool-size",
      defaultValue = "${env:ACCORD_POOL_SIZE:-16}",
      paramLabel = "N",
      description = "Database connections (ACCORD_POOL_SIZE, default ${DEFAULT-VALUE}).")
  int poolSize;

  @Option(
      names = "--shutdown-grace",
      defaultValue = "${env:ACCORD_SHUTDOWN_GRACE_SECONDS:-10}",
      paramLabel = "SECONDS",
      description =
          "How long in-flight calls may run on shutdown (ACCORD_SHUTDOWN_GRACE_SECONDS, default ${DEFAULT-VALUE}).")
  int shutdownGraceSeconds;

  @Option(
      names = "--access-file",
      defaultValue = "${env:ACCORD_ACCESS_FILE}",
      paramLabel = "FILE",
      description =
          "Access rules (YAML), re-read when it changes; needed with authentication, refused "
              + "without it (ACCORD_ACCESS_FILE).")
  Path accessFile;

  @Option(
      names = "--tls-cert-file",
      defaultValue = "${env:ACCORD_TLS_CERT_FILE}",
      paramLabel = "FILE",
      description =
          "PEM certificate chain: serve gRPC over TLS, re-read when it changes (ACCORD_TLS_CERT_FILE).")
  Path tlsCertFile;

  @Option(
      names = "--tls-key-file",
      defaultValue = "${env:ACCORD_TLS_KEY_FILE}",
      paramLabel = "FILE",
      description = "PEM (PKCS#8) private key of --tls-cert-file (ACCORD_TLS_KEY_FILE).")
  Path tlsKeyFile;

  @Option(
      names = "--tls-client-ca-file",
      defaultValue = "${env:ACCORD_TLS_CLIENT_CA_FILE}",
      paramLabel = "FILE",
      description =
          "PEM CA certificates: clients must present a certificate they signed (mTLS) "
              + "(ACCORD_TLS_CLIENT_CA_FILE).")
  Path tlsClientCaFile;

  @Option(
      names = "--reflection",
      defaultValue = "${env:ACCORD_REFLECTION:-on}",
      paramLabel = "on|off",
      description = "Serve gRPC server reflection (ACCORD_REFLECTION, default ${DEFAULT-VALUE}).")
  String reflection;

  @Option(
      names = "--auth",
      defaultValue = "${env:ACCORD_AUTH:-none}",
      paramLabel = "MODE",
      description =
          "How callers prove who they are: none | tokens:FILE (bearer tokens in Kubernetes' "
              + "static-token CSV format) | kubernetes (ServiceAccount tokens, TokenReview) "
              + "(ACCORD_AUTH, default ${DEFAULT-VALUE}).")
  String auth;

  @Option(
      names = "--auth-audience",
      defaultValue = "${env:ACCORD_AUTH_AUDIENCE:-accord.dev}",
      paramLabel = "AUDIENCE",
      description =
          "The audience ServiceAccount tokens must be for with --auth kubernetes "
              + "(ACCORD_AUTH_AUDIENCE, default ${DEFAULT-VALUE}).")
  String authAudience;

  @Option(
      names = "--metrics-namespaces",
      defaultValue = "${env:ACCORD_METRICS_NAMESPACES:-20}",
      paramLabel = "N",
      description =
          "Export done/held/pending gauges for at most this many namespaces, the largest first"
              + " (ACCORD_METRICS_NAMESPACES, default ${DEFAULT-VALUE}; 0: none).")
  int metricsNamespaces;

  /** For measuring what metrics cost: off records nothing and serves an empty /metrics. */
  @Option(
      names = "--metrics",
      hidden = true,
      defaultValue = "${env:ACCORD_METRICS:-on}",
      paramLabel = "on|off")
  String metrics;

  /**
   * The validated settings of the gRPC server.
   *
   * @throws IllegalArgumentException naming the variable and flag of the first bad value
   */
  ServerConfig config() {
    ServerConfig config =
        new ServerConfig(
            ServerConfig.parseListen(listen),
            backend,
            dataDir == null || dataDir.toString().isEmpty()
                ? defaultDataDir(System.getenv())
                : dataDir,
            poolSize,
            Duration.ofSeconds(shutdownGraceSeconds),
            Duration.ofSeconds(2),
            new TlsSettings(tlsCertFile, tlsKeyFile, tlsClientCaFile),
            ServerConfig.parseReflection(reflection),
            accessFile == null || accessFile.toString().isEmpty() ? null : accessFile,
            AuthMode.parse(auth, authAudience),
            RetentionPeriod.parse(retention));
    ServerConfig.requireAccessFileWithAuthentication(
        config.authenticationOn(), config.accessFile());
    if (shutdownGraceSeconds < 0) {
      throw new IllegalArgumentException(
          "ACCORD_SHUTDOWN_GRACE_SECONDS (--shutdown-grace) must be 0 or more");
    }
    return config;
  }

  /**
   * How long to wait for the database's first answer before giving up; empty: for ever.
   *
   * @throws IllegalArgumentException naming ACCORD_DATABASE_WAIT
   */
  Optional<Duration> databaseWait() {
    return DatabaseWait.parse(databaseWait);
  }

  /**
   * The XDG data directory's {@code accord}: outside any checkout, where a user's programs keep
   * their data.
   */
  static Path defaultDataDir(java.util.Map<String, String> env) {
    String xdg = env.get("XDG_DATA_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".local", "share");
    return base.resolve("accord");
  }

  /**
   * Where to answer health checks in plaintext as well; null: nowhere else.
   *
   * @throws IllegalArgumentException naming ACCORD_HEALTH_LISTEN
   */
  InetSocketAddress healthListen() {
    return healthListen == null || healthListen.isEmpty()
        ? null
        : ServerConfig.parseListen("ACCORD_HEALTH_LISTEN (--health-listen)", healthListen);
  }

  /**
   * Where to serve HTTP (metrics, progress page); empty when off.
   *
   * @throws IllegalArgumentException naming ACCORD_HTTP_LISTEN
   */
  Optional<InetSocketAddress> httpListen() {
    return HttpListen.parse(httpListen);
  }

  /**
   * What the server records: Prometheus meters, or nothing ({@code ACCORD_METRICS=off}).
   *
   * @throws IllegalArgumentException naming ACCORD_METRICS_NAMESPACES or ACCORD_METRICS
   */
  ServerMetrics metrics() {
    if (metricsNamespaces < 0) {
      throw new IllegalArgumentException(
          "ACCORD_METRICS_NAMESPACES (--metrics-namespaces) must be 0 or more, got "
              + metricsNamespaces);
    }
    return ServerMetrics.parseSwitch(metrics)
        ? ServerMetrics.prometheus(metricsNamespaces, BackendGauges.DEFAULT_INTERVAL)
        : ServerMetrics.off();
  }
}
