package dev.accord.server;

import dev.accord.server.cli.DemoCommand;
import dev.accord.server.logging.LogFormat;
import dev.accord.server.metrics.ServerMetrics;
import java.net.InetSocketAddress;
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
    subcommands = {DemoCommand.class},
    footer = {
      "",
      "Every option can also be set by the environment variable named in its description.",
      "ACCORD_LOG_FORMAT=text|json chooses the log format (default text); ACCORD_LOG_LEVEL the"
          + " level (default INFO)."
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

  static CommandLine commandLine() {
    return new CommandLine(new AccordServerMain()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  @Override
  public Integer call() throws Exception {
    ServerConfig config;
    InetSocketAddress health;
    Optional<InetSocketAddress> http;
    ServerMetrics metrics;
    try {
      health = options.healthListen();
      http = options.httpListen();
      config = options.config();
      metrics = options.metrics();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    return ServerProcess.serve(config, health, http, metrics);
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
