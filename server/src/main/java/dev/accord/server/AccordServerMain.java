package dev.accord.server;

import dev.accord.server.cli.DemoCommand;
import dev.accord.server.logging.LogFormat;
import dev.accord.server.metrics.ServerMetrics;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
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
    subcommands = {DemoCommand.class, CommandLine.HelpCommand.class},
    footer = {
      "",
      "From a checkout, the ./accord script also runs:",
      "  bench   the load generator (bench/README.md; ./accord bench --help)",
      "  chaos   the fault suite's long run (./accord chaos --minutes 30 [--seed N])",
      "  images  builds the server and operator images into the local Docker engine",
      "          (ACCORD_IMAGE_BASE: the JRE base image, e.g. docker://local/jre17:bookworm)",
      "",
      "Every option can also be set by the environment variable named in its description.",
      "Logging: ACCORD_LOG_FORMAT=text|json (default text); ACCORD_LOG_LEVEL=ERROR|WARN|INFO|DEBUG"
          + " (default INFO); ACCORD_REQUEST_LOG=DEBUG logs every call alone.",
      "Tracing: the standard OTEL_ variables (e.g. OTEL_EXPORTER_OTLP_ENDPOINT) export spans.",
      "Exit codes: 0 stopped, 1 could not run (port, database, data directory), 2 bad setting."
    })
public final class AccordServerMain implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  @Mixin ServerOptions options = new ServerOptions();

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

  /**
   * The command line, named as the user typed it: the ./accord script says so in the system
   * property {@code accord.command}.
   */
  static CommandLine commandLine() {
    return new CommandLine(new AccordServerMain())
        .setCommandName(System.getProperty("accord.command", "accord-server"))
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setParameterExceptionHandler(new UsageErrors());
  }

  @Override
  public Integer call() throws Exception {
    ServerConfig config;
    InetSocketAddress health;
    Optional<InetSocketAddress> http;
    ServerMetrics metrics;
    Optional<Duration> databaseWait;
    try {
      databaseWait = options.databaseWait();
      health = options.healthListen();
      http = options.httpListen();
      config = options.config();
      metrics = options.metrics();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    return ServerProcess.serve(config, health, http, metrics, databaseWait);
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
