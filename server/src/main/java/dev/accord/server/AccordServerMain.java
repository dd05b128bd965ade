package dev.accord.server;

import dev.accord.server.access.AccessFileReloader;
import dev.accord.server.backend.Backend;
import dev.accord.server.cli.DemoCommand;
import dev.accord.server.retention.RetentionPeriod;
import dev.accord.server.retention.RetentionSweeper;
import dev.accord.server.security.AuthMode;
import dev.accord.server.security.Authenticator;
import dev.accord.server.security.BearerAuthenticators;
import dev.accord.server.tls.ClientCertificateAuthenticator;
import dev.accord.server.tls.ReloadingServerCredentials;
import dev.accord.server.tls.TlsSettings;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code java -jar accord-server.jar}: runs the server; {@code ... demo} runs the demo. */
@Command(
    name = "accord-server",
    mixinStandardHelpOptions = true,
    versionProvider = AccordServerMain.Version.class,
    description =
        "Accord: leases, fencing tokens and done marks for distributed workers, on PostgreSQL.",
    subcommands = {DemoCommand.class},
    footer = {
      "",
      "Every option can also be set by the environment variable named in its description."
    })
public final class AccordServerMain implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(AccordServerMain.class);

  @Spec CommandLine.Model.CommandSpec spec;

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
      defaultValue = "${env:ACCORD_DATA_DIR:-./accord-data}",
      paramLabel = "DIR",
      description =
          "Where the embedded backend keeps its database (ACCORD_DATA_DIR, default ${DEFAULT-VALUE}).")
  Path dataDir;

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

  public static void main(String[] args) {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    return new CommandLine(new AccordServerMain()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  @Override
  public Integer call() throws Exception {
    ServerConfig config;
    InetSocketAddress health;
    try {
      health =
          healthListen == null || healthListen.isEmpty()
              ? null
              : ServerConfig.parseListen("ACCORD_HEALTH_LISTEN (--health-listen)", healthListen);
      config =
          new ServerConfig(
              ServerConfig.parseListen(listen),
              backend,
              dataDir,
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
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    return serve(config, health);
  }

  static int serve(ServerConfig config) throws Exception {
    return serve(config, null);
  }

  /**
   * @param healthListen where to answer health checks in plaintext as well; null: nowhere else
   */
  static int serve(ServerConfig config, InetSocketAddress healthListen) throws Exception {
    log.info("Starting Accord server {}", Version.version());
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
    Backend backend;
    try {
      backend = Backends.open(config.backend(), config.dataDir(), config.poolSize());
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
              new CallSecurity(
                  authenticators, access == null ? null : access.policy(), config.reflection()));
    } catch (IllegalArgumentException e) {
      // A TLS file changed between the check and the start, or became unreadable.
      log.error("{}", e.getMessage());
      stopReloaders(tls, access);
      backend.close();
      return 2;
    } catch (java.io.IOException e) {
      log.error(
          "cannot listen on {}: {} (is another server on that port? set ACCORD_LISTEN)",
          config.listen(),
          e.getMessage());
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
            "cannot listen on {} for health checks: {} (set ACCORD_HEALTH_LISTEN)",
            healthListen,
            e.getMessage());
        server.shutdown();
        stopReloaders(tls, access);
        return 1;
      }
      log.info(
          "Health checks also answered in plaintext on {} (the health service only)",
          describe(healthListen, healthEndpoint.getPort()));
    }
    io.grpc.Server health = healthEndpoint;
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
              boolean clean = server.shutdown();
              // After the API port: probes see NOT_SERVING during the grace period.
              if (health != null) {
                health.shutdownNow();
              }
              log.info("Accord server stopped{}", clean ? "" : " (some calls were cancelled)");
            },
            "accord-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
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

  /** The version Maven wrote into version.properties, or "dev" when run from unfiltered classes. */
  static final class Version implements CommandLine.IVersionProvider {
    static String version() {
      return ProjectVersion.of(AccordServerMain.class);
    }

    @Override
    public String[] getVersion() {
      return new String[] {"Accord server " + version()};
    }
  }
}
