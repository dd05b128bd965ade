package dev.accord.server;

import dev.accord.server.backend.Backend;
import dev.accord.server.cli.DemoCommand;
import dev.accord.server.security.AuthMode;
import dev.accord.server.security.Authenticator;
import dev.accord.server.security.BearerAuthenticators;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
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
    try {
      config =
          new ServerConfig(
              ServerConfig.parseListen(listen),
              backend,
              dataDir,
              poolSize,
              Duration.ofSeconds(shutdownGraceSeconds),
              Duration.ofSeconds(2),
              AuthMode.parse(auth, authAudience));
      if (shutdownGraceSeconds < 0) {
        throw new IllegalArgumentException(
            "ACCORD_SHUTDOWN_GRACE_SECONDS (--shutdown-grace) must be 0 or more");
      }
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    return serve(config);
  }

  static int serve(ServerConfig config) throws Exception {
    log.info("Starting Accord server {}", Version.version());
    List<Authenticator> authenticators;
    try {
      authenticators = BearerAuthenticators.of(config.auth());
    } catch (IllegalArgumentException e) {
      log.error("{}", e.getMessage());
      return 2;
    }
    if (authenticators.isEmpty()) {
      log.warn(
          "ACCORD_AUTH=none: calls are unauthenticated; anyone who reaches this port may act as "
              + "any worker");
    }
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
    AccordServer server;
    try {
      server =
          AccordServer.start(
              AccordServer.tcp(config.listen()),
              backend,
              callThreads(config.poolSize()),
              config.shutdownGrace(),
              config.healthInterval(),
              authenticators);
    } catch (java.io.IOException e) {
      log.error(
          "cannot listen on {}: {} (is another server on that port? set ACCORD_LISTEN)",
          config.listen(),
          e.getMessage());
      backend.close();
      return 1;
    }
    log.info(
        "Accord server listening on {} (backend: {})",
        describe(config.listen(), server.port()),
        backend.describe());
    Thread hook =
        new Thread(
            () -> {
              log.info(
                  "Shutting down: refusing new calls, giving in-flight calls {} s",
                  config.shutdownGrace().toSeconds());
              boolean clean = server.shutdown();
              log.info("Accord server stopped{}", clean ? "" : " (some calls were cancelled)");
            },
            "accord-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    server.awaitTermination();
    return 0;
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

  /** The version from the jar's manifest, or "dev" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    static String version() {
      String version = AccordServerMain.class.getPackage().getImplementationVersion();
      return version == null ? "dev" : version;
    }

    @Override
    public String[] getVersion() {
      return new String[] {"Accord server " + version()};
    }
  }
}
