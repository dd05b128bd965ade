package dev.accord.server;

import dev.accord.server.cli.DemoCommand;
import dev.accord.server.logging.LogFormat;
import dev.accord.server.metrics.BackendGauges;
import dev.accord.server.metrics.ServerMetrics;
import dev.accord.server.retention.RetentionPeriod;
import dev.accord.server.security.AuthMode;
import dev.accord.server.tls.TlsSettings;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar accord-server.jar}: runs the server; {@code ... demo} runs the demo. It holds no
 * logger of its own: logging starts only once {@code ACCORD_LOG_FORMAT} has been checked.
 */
@Command(
    name = "accord-server",
    mixinStandardHelpOptions = true,
    versionProvider = AccordServerMain.Version.class,
    description =
        "Accord: leases, fencing tokens and done marks for distributed workers, on PostgreSQL.",
    subcommands = {DemoCommand.class},
    footer = {
      "",
      "Every option can also be set by the environment variable named in its description.",
      "ACCORD_LOG_FORMAT=text|json chooses the log format (default text); ACCORD_LOG_LEVEL the"
          + " level (default INFO)."
    })
public final class AccordServerMain implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  @Mixin ServerOptions options;

  public static void main(String[] args) {
    // Before anything logs: the logging configuration reads the checked value.
    try {
      LogFormat.configureFromEnvironment(System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("accord-server: " + e.getMessage());
      System.exit(2);
    }
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
          options.healthListen == null || options.healthListen.isEmpty()
              ? null
              : ServerConfig.parseListen(
                  "ACCORD_HEALTH_LISTEN (--health-listen)", options.healthListen);
      config =
          new ServerConfig(
              ServerConfig.parseListen(options.listen),
              options.backend,
              options.dataDir,
              options.poolSize,
              Duration.ofSeconds(options.shutdownGraceSeconds),
              Duration.ofSeconds(2),
              new TlsSettings(options.tlsCertFile, options.tlsKeyFile, options.tlsClientCaFile),
              ServerConfig.parseReflection(options.reflection),
              options.accessFile == null || options.accessFile.toString().isEmpty()
                  ? null
                  : options.accessFile,
              AuthMode.parse(options.auth, options.authAudience),
              RetentionPeriod.parse(options.retention));
      ServerConfig.requireAccessFileWithAuthentication(
          config.authenticationOn(), config.accessFile());
      if (options.metricsNamespaces < 0) {
        throw new IllegalArgumentException(
            "ACCORD_METRICS_NAMESPACES (--metrics-namespaces) must be 0 or more, got "
                + options.metricsNamespaces);
      }
      ServerMetrics.parseSwitch(options.metrics);
      if (options.shutdownGraceSeconds < 0) {
        throw new IllegalArgumentException(
            "ACCORD_SHUTDOWN_GRACE_SECONDS (--shutdown-grace) must be 0 or more");
      }
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    ServerMetrics metrics =
        ServerMetrics.parseSwitch(options.metrics)
            ? ServerMetrics.prometheus(options.metricsNamespaces, BackendGauges.DEFAULT_INTERVAL)
            : ServerMetrics.off();
    return ServerProcess.serve(config, health, metrics);
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
