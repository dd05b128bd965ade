package dev.accord.bench.load;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * {@code ./accord bench}: the load generator. One PostgreSQL for everything, an Accord server as a
 * separate process on it, and for each workload × workers × mode a cell of closed-loop workers,
 * warmed up then measured; then results.json, results.md and the throughput charts.
 *
 * <p>This class is the picocli command: it checks the {@link Options}, clears the output
 * directory's logs, names the run, and runs a {@link BenchRun}, whose server and database it stops
 * at the end or on Ctrl-C.
 */
@Command(
    name = "accord bench",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    versionProvider = LoadGenerator.Version.class,
    description = {
      "Load generator: measures items/s and latency of Accord's calls over the server (TCP), direct "
          + "mode (in-process), the seed baseline (the Go implementation's design, by pgbench) and "
          + "pgbench running our own SQL, on one PostgreSQL; and the client's work loop in worker processes.",
      "The defaults reproduce the full published table (about 10 minutes)."
    },
    footer = {
      "",
      "Workloads: a = fresh names (acquire a new name, done); b = contended (acquire one of a few names, "
          + "release at once when granted); c = sweep (walk a seeded list, mostly done, from a random offset; done what "
          + "is granted); d = the work loop (K worker processes × T threads × W ms of work over a shared list, "
          + "from a cold start and over a list 95 %% done). See bench/README.md."
    })
public final class LoadGenerator implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  @Mixin Options options = new Options();

  private final PrintStream stdout = System.out;
  private final PrintStream progress = System.err;

  public static void main(String[] args) {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    System.exit(commandLine().execute(args));
  }

  /** The command line, for main and for tests. */
  public static CommandLine commandLine() {
    return new CommandLine(new LoadGenerator()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  @Override
  public Integer call() throws Exception {
    options.validate(spec.commandLine());
    Files.createDirectories(options.out);
    Path serverLog = options.out.resolve("server.log");
    Path pgbenchLog = options.out.resolve("pgbench.log");
    Files.deleteIfExists(serverLog);
    Files.deleteIfExists(pgbenchLog);
    Instant started = Instant.now();
    String runId =
        DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(started)
            + "-"
            + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    BenchRun run = new BenchRun(options, stdout, progress, serverLog, pgbenchLog);
    Thread hook = new Thread(run::closeAll, "accord-bench-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return run.run(started, runId);
    } finally {
      run.closeAll();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // already shutting down
      }
    }
  }

  /** The version from the jar's manifest, or "dev" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = LoadGenerator.class.getPackage().getImplementationVersion();
      return new String[] {"accord bench " + (version == null ? "dev" : version)};
    }
  }
}
