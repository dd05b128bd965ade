package dev.accord.bench.load;

import dev.accord.server.backend.postgres.PostgresBackend;
import dev.accord.server.direct.DirectAccord;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./accord bench}: the load generator. One PostgreSQL for everything, an Accord server as a
 * separate process on it, and for each workload × workers × mode a cell of closed-loop workers,
 * warmed up then measured; then results.json, results.md and the throughput charts.
 */
@Command(
    name = "accord bench",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    versionProvider = LoadGenerator.Version.class,
    description = {
      "Load generator: measures items/s and latency of Accord's calls over the server (TCP), direct "
          + "mode (in-process) and pgbench running the same SQL, on one PostgreSQL.",
      "The defaults reproduce the full published table (about 10 minutes)."
    },
    footer = {
      "",
      "Workloads: a = fresh names (acquire a new name, done); b = contended (acquire one of a few names, "
          + "release at once when granted); c = sweep (walk a seeded list, mostly done, from a random offset; done what "
          + "is granted). See bench/README.md."
    })
public final class LoadGenerator implements Callable<Integer> {
  private static final String SEED_OWNER = "bench-seeder";

  @Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = {"-w", "--workloads"},
      split = ",",
      defaultValue = "a,b,c",
      paramLabel = "W",
      description = "Workloads, comma-separated: a, b, c (default ${DEFAULT-VALUE}).")
  List<Workload> workloads;

  @Option(
      names = {"-c", "--concurrency"},
      split = ",",
      defaultValue = "1,8,64,256",
      paramLabel = "N",
      description = "Concurrent workers per cell, comma-separated (default ${DEFAULT-VALUE}).")
  List<Integer> concurrency;

  @Option(
      names = {"-m", "--modes"},
      split = ",",
      defaultValue = "server,direct,pgbench",
      paramLabel = "MODE",
      description = "Modes, comma-separated: server, direct, pgbench (default ${DEFAULT-VALUE}).")
  List<Mode> modes;

  @Option(
      names = "--warmup",
      defaultValue = "5",
      paramLabel = "SECONDS",
      description = "Warm-up of each cell, not measured (default ${DEFAULT-VALUE}).")
  int warmupSeconds;

  @Option(
      names = "--duration",
      defaultValue = "10",
      paramLabel = "SECONDS",
      description = "Measured window of each cell (default ${DEFAULT-VALUE}).")
  int durationSeconds;

  @Option(
      names = "--jvm-warmup",
      defaultValue = "40",
      paramLabel = "SECONDS",
      description =
          "Before the first cell, load the server's JVM and this one (direct mode) for this long each, "
              + "unmeasured, so the first cells do not time the JIT compiler (default ${DEFAULT-VALUE}; 0: none).")
  int jvmWarmupSeconds;

  @Option(
      names = "--channels",
      defaultValue = "4",
      paramLabel = "N",
      description =
          "Server mode: gRPC channels (connections) the workers are spread over (default ${DEFAULT-VALUE}).")
  int channels;

  @Option(
      names = "--pool-size",
      defaultValue = "16",
      paramLabel = "N",
      description =
          "Database connections of the spawned server (ACCORD_POOL_SIZE) and of direct mode's backend "
              + "(default ${DEFAULT-VALUE}, the server's default).")
  int poolSize;

  @Option(
      names = "--ttl",
      defaultValue = "60",
      paramLabel = "SECONDS",
      description = "Lease of every acquire (default ${DEFAULT-VALUE}).")
  int ttlSeconds;

  @Option(
      names = "--contended-names",
      defaultValue = "16",
      paramLabel = "N",
      description = "Workload b: names the workers contend for (default ${DEFAULT-VALUE}).")
  int contendedNames;

  @Option(
      names = "--sweep-names",
      defaultValue = "100000",
      paramLabel = "N",
      description = "Workload c: names seeded in each cell's namespace (default ${DEFAULT-VALUE}).")
  int sweepNames;

  @Option(
      names = "--sweep-done-percent",
      defaultValue = "95",
      paramLabel = "P",
      description =
          "Workload c: percentage of the seeded names already done (default ${DEFAULT-VALUE}).")
  int sweepDonePercent;

  @Option(
      names = "--headline-workers",
      defaultValue = "64",
      paramLabel = "N",
      description =
          "Workers of the headline ratio server ÷ pgbench, workload a (default ${DEFAULT-VALUE}).")
  int headlineWorkers;

  @Option(
      names = "--out",
      defaultValue = "bench/results",
      paramLabel = "DIR",
      description =
          "Where results.json, results.md, the charts and the logs go (default ${DEFAULT-VALUE}).")
  Path out;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Keep the embedded PostgreSQL here (default: a temporary directory, removed at the end).")
  Path dataDir;

  @Option(
      names = "--postgres",
      paramLabel = "URL",
      description =
          "Use this database instead of an embedded one: postgres://user:password@host:port/db or "
              + "jdbc:postgresql://... (a user that may create tables; the run's rows stay in it).")
  String postgresUrl;

  @Option(
      names = "--target",
      paramLabel = "HOST:PORT",
      description =
          "Drive this running Accord server instead of spawning one. Its database must be --postgres "
              + "for workload c and for the direct and pgbench modes (they seed and query it).")
  String target;

  @Option(
      names = "--pgbench",
      paramLabel = "PATH",
      description =
          "The pgbench to run (default: on PATH, else the newest /usr/lib/postgresql/*/bin/pgbench).")
  Path pgbenchPath;

  @Option(
      names = "--seed",
      defaultValue = "1",
      paramLabel = "N",
      description =
          "Seed of the random choices: names, offsets, which seeded names are done (default ${DEFAULT-VALUE}).")
  long seed;

  private final PrintStream stdout = System.out;
  private final PrintStream progress = System.err;
  private final Deque<AutoCloseable> open = new ArrayDeque<>();
  private Path serverLog;
  private Path pgbenchLog;

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
    validate();
    Files.createDirectories(out);
    serverLog = out.resolve("server.log");
    pgbenchLog = out.resolve("pgbench.log");
    Files.deleteIfExists(serverLog);
    Files.deleteIfExists(pgbenchLog);
    Instant started = Instant.now();
    String runId =
        DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(started)
            + "-"
            + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    Thread hook = new Thread(this::closeAll, "accord-bench-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return run(started, runId);
    } finally {
      closeAll();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // already shutting down
      }
    }
  }

  private void validate() {
    List<String> problems = new ArrayList<>();
    if (workloads.isEmpty() || concurrency.isEmpty() || modes.isEmpty()) {
      problems.add("--workloads, --concurrency and --modes need at least one value each");
    }
    if (concurrency.stream().anyMatch(c -> c < 1 || c > 10_000)) {
      problems.add("--concurrency values must be from 1 to 10000");
    }
    if (warmupSeconds < 0 || durationSeconds < 1 || jvmWarmupSeconds < 0) {
      problems.add("--warmup and --jvm-warmup must be 0 or more, --duration 1 or more");
    }
    if (channels < 1 || poolSize < 1 || poolSize > 1000 || contendedNames < 1 || sweepNames < 1) {
      problems.add(
          "--channels, --contended-names and --sweep-names must be 1 or more, --pool-size 1 to 1000");
    }
    if (ttlSeconds < 1 || ttlSeconds > 86_400) {
      problems.add("--ttl must be from 1 to 86400");
    }
    if (sweepDonePercent < 0 || sweepDonePercent > 100) {
      problems.add("--sweep-done-percent must be from 0 to 100");
    }
    if (dataDir != null && postgresUrl != null) {
      problems.add("--data-dir is for the embedded PostgreSQL: drop it with --postgres");
    }
    if (target != null
        && postgresUrl == null
        && (workloads.contains(Workload.C)
            || modes.contains(Mode.DIRECT)
            || modes.contains(Mode.PGBENCH))) {
      problems.add(
          "--target without --postgres can only run mode server with workloads a and b: workload c, "
              + "direct and pgbench need the server's database (--postgres URL)");
    }
    if (!problems.isEmpty()) {
      throw new CommandLine.ParameterException(spec.commandLine(), String.join("\n", problems));
    }
  }

  private int run(Instant started, String runId) throws Exception {
    String loadAtStart = MachineFacts.loadAverage();
    Pgbench pgbench = null;
    if (modes.contains(Mode.PGBENCH)) {
      pgbench = Pgbench.find(pgbenchPath).map(Pgbench::new).orElse(null);
      if (pgbench == null) {
        progress.println(
            "pgbench not found (" + Pgbench.INSTALL_HINT + "): its cells are reported as not run");
      }
    }
    Database db = null;
    if (postgresUrl != null || target == null) {
      progress.println(
          postgresUrl != null
              ? "Connecting to PostgreSQL..."
              : "Starting the embedded PostgreSQL...");
      db = track(postgresUrl != null ? Database.external(postgresUrl) : Database.embedded(dataDir));
      db.migrate();
      progress.println("PostgreSQL: " + db.describe());
    }
    String serverTarget = target;
    ServerProcess server = null;
    if (modes.contains(Mode.SERVER) && target == null) {
      progress.println("Starting the Accord server (log: " + serverLog + ")...");
      server = track(ServerProcess.start(db.serverBackend(), poolSize, serverLog));
      serverTarget = server.target();
      progress.println(
          "Accord server on "
              + serverTarget
              + " (pid "
              + server.pid()
              + ", pool "
              + poolSize
              + ")");
    }
    Map<Workload, Path> scripts = new LinkedHashMap<>();
    if (pgbench != null) {
      for (Workload workload : workloads) {
        Path script = out.resolve("pgbench-" + workload.id + ".sql");
        Files.writeString(script, Pgbench.script(workload));
        scripts.put(workload, script);
      }
    }

    String[] contended = names(contendedNames);
    String[] sweep = names(sweepNames);
    if (jvmWarmupSeconds > 0) {
      for (Mode mode : modes) {
        if (mode == Mode.PGBENCH) {
          continue;
        }
        // Both call paths (acquire + done, acquire + release), half the time each.
        Duration half = Duration.ofSeconds(Math.max(1, jvmWarmupSeconds / 2));
        for (Workload workload : List.of(Workload.A, Workload.B)) {
          CellResult warm =
              runCell(
                  workload,
                  32,
                  mode,
                  "bench-" + runId + "-jvm-warmup-" + workload.id + "-" + mode.id,
                  seed,
                  db,
                  serverTarget,
                  null,
                  null,
                  contended,
                  Duration.ZERO,
                  half);
          progress.println(
              String.format(
                  Locale.ROOT,
                  "JVM warm-up, %s mode, workload %s: %,.0f items/s, %d errors",
                  mode.id,
                  workload.id,
                  warm.itemsPerSecond(),
                  warm.errors()));
        }
      }
    }
    Duration warmup = Duration.ofSeconds(warmupSeconds);
    Duration duration = Duration.ofSeconds(durationSeconds);
    List<CellResult> cells = new ArrayList<>();
    int total = workloads.size() * concurrency.size() * modes.size();
    for (Workload workload : workloads) {
      for (int workers : concurrency) {
        for (Mode mode : modes) {
          String namespace = "bench-" + runId + "-" + workload.id + "-c" + workers + "-" + mode.id;
          long cellSeed = seed * 1_000_003L + cells.size();
          CellResult cell =
              runCell(
                  workload,
                  workers,
                  mode,
                  namespace,
                  cellSeed,
                  db,
                  serverTarget,
                  pgbench,
                  scripts.get(workload),
                  workload == Workload.B ? contended : sweep,
                  warmup,
                  duration);
          cells.add(cell);
          progress.println(progressLine(cells.size(), total, cell));
        }
      }
    }

    if (server != null) {
      progress.println("Stopping the Accord server...");
      server.close();
    }
    Map<String, Object> machine = MachineFacts.collect();
    machine.put("loadAverageAtStart", loadAtStart);
    machine.put("loadAverageAtEnd", MachineFacts.loadAverage());
    Map<String, String> postgres =
        db == null ? Map.of("source", "unknown (--target without --postgres)") : db.facts();
    String headline = Reports.headline(cells, headlineWorkers);
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("date", started.toString());
    document.put("runId", runId);
    document.put("machine", machine);
    document.put("postgres", postgres);
    document.put(
        "pgbench",
        pgbench == null
            ? null
            : Map.of("path", pgbench.executable().toString(), "version", pgbench.version()));
    document.put(
        "server",
        Map.of(
            "target",
            serverTarget == null ? "none" : serverTarget,
            "spawned",
            server != null,
            "poolSize",
            poolSize,
            "callThreads",
            poolSize * 2,
            "channels",
            channels));
    document.put("options", options());
    document.put("headline", headline);
    document.put("cells", cells);
    Reports.writeJson(out.resolve("results.json"), document);

    String context =
        String.format(
            Locale.ROOT,
            "%s. %s (%s cores), %s RAM, load average %s at start, %s at end; "
                + "%s. PostgreSQL %s (%s; synchronous_commit %s, fsync %s)%s. %d s warm-up + %d s measured per cell; "
                + "server: separate JVM, pool %d, %d channels; direct: in-process, pool %d.",
            started,
            machine.get("cpu"),
            machine.get("cores"),
            machine.get("ram"),
            loadAtStart,
            machine.get("loadAverageAtEnd"),
            machine.get("java"),
            postgres.getOrDefault("server_version", "?"),
            postgres.get("source"),
            postgres.getOrDefault("synchronous_commit", "?"),
            postgres.getOrDefault("fsync", "?"),
            pgbench == null ? "" : "; " + pgbench.version(),
            warmupSeconds,
            durationSeconds,
            poolSize,
            channels,
            poolSize);
    String markdown = Reports.markdown(cells, workloads, concurrency, modes, context, headline);
    Files.writeString(out.resolve("results.md"), markdown);
    Reports.charts(out, cells, workloads, concurrency, modes);
    progress.println(
        "Results in "
            + out.toAbsolutePath().normalize()
            + ": results.json, results.md, "
            + "throughput-*.png, throughput-*.svg");
    stdout.println();
    stdout.print(markdown);
    boolean errors = cells.stream().anyMatch(c -> c.errors() > 0);
    return errors ? 1 : 0;
  }

  private CellResult runCell(
      Workload workload,
      int workers,
      Mode mode,
      String namespace,
      long cellSeed,
      Database db,
      String serverTarget,
      Pgbench pgbench,
      Path script,
      String[] names,
      Duration warmup,
      Duration duration)
      throws Exception {
    if (mode == Mode.PGBENCH) {
      if (pgbench == null) {
        return CellResult.notRun(workload, workers, mode, "pgbench not found");
      }
      int free = db.freeConnections();
      if (free < workers + 1) {
        return CellResult.notRun(
            workload,
            workers,
            mode,
            "needs " + workers + " connections, " + free + " free under max_connections");
      }
    }
    if (db != null) {
      switch (workload) {
        case A -> {}
        // Every contended name exists, as a released lease, so no acquire races an insert of the
        // same name.
        case B -> db.seed(namespace, contendedNames, 0, ttlSeconds, SEED_OWNER, cellSeed);
        case C ->
            db.seed(namespace, sweepNames, sweepDonePercent, ttlSeconds, SEED_OWNER, cellSeed);
      }
      db.checkpoint();
    }
    switch (mode) {
      case SERVER -> {
        List<ManagedChannel> connections = new ArrayList<>();
        for (int i = 0; i < Math.min(channels, workers); i++) {
          connections.add(
              Grpc.newChannelBuilder(serverTarget, InsecureChannelCredentials.create()).build());
        }
        try {
          return GrpcLoad.run(
              new GrpcLoad.Cell(
                  workload,
                  workers,
                  namespace,
                  connections,
                  ttlSeconds,
                  names,
                  warmup,
                  duration,
                  cellSeed),
              mode);
        } finally {
          connections.forEach(ManagedChannel::shutdownNow);
        }
      }
      case DIRECT -> {
        try (PostgresBackend backend = PostgresBackend.open(db.settings(poolSize))) {
          ManagedChannel channel = DirectAccord.channel(backend);
          try {
            return GrpcLoad.run(
                new GrpcLoad.Cell(
                    workload,
                    workers,
                    namespace,
                    List.of(channel),
                    ttlSeconds,
                    names,
                    warmup,
                    duration,
                    cellSeed),
                mode);
          } finally {
            channel.shutdown();
            if (!channel.awaitTermination(10, TimeUnit.SECONDS)) {
              channel.shutdownNow();
            }
          }
        }
      }
      case PGBENCH -> {
        Path work = Files.createTempDirectory("accord-pgbench-");
        try {
          return pgbench.run(
              new Pgbench.Cell(
                  workload, workers, namespace, ttlSeconds, names.length, warmup, duration),
              db.libpqEnvironment(),
              script,
              work,
              pgbenchLog);
        } finally {
          Database.deleteTree(work);
        }
      }
      default -> throw new IllegalStateException("unknown mode " + mode);
    }
  }

  private static String[] names(int count) {
    String[] names = new String[count];
    for (int i = 0; i < count; i++) {
      names[i] = Integer.toString(i);
    }
    return names;
  }

  private static String progressLine(int index, int total, CellResult cell) {
    String head =
        String.format(
            Locale.ROOT,
            "[%2d/%d] %s C=%-3d %-7s ",
            index,
            total,
            cell.workload(),
            cell.workers(),
            cell.mode());
    if (!cell.ran()) {
      return head + cell.status() + ": " + cell.reason();
    }
    return head
        + String.format(
            Locale.ROOT,
            "%,9.0f items/s  item p99 %8.2f ms  errors %d%s",
            cell.itemsPerSecond(),
            cell.itemLatency().p99Ms(),
            cell.errors(),
            cell.firstError() == null ? "" : " (" + cell.firstError() + ")");
  }

  private Map<String, Object> options() {
    Map<String, Object> options = new LinkedHashMap<>();
    options.put("workloads", workloads.stream().map(w -> w.id).toList());
    options.put("concurrency", concurrency);
    options.put("modes", modes.stream().map(m -> m.id).toList());
    options.put("warmupSeconds", warmupSeconds);
    options.put("durationSeconds", durationSeconds);
    options.put("jvmWarmupSeconds", jvmWarmupSeconds);
    options.put("channels", channels);
    options.put("poolSize", poolSize);
    options.put("ttlSeconds", ttlSeconds);
    options.put("contendedNames", contendedNames);
    options.put("sweepNames", sweepNames);
    options.put("sweepDonePercent", sweepDonePercent);
    options.put("headlineWorkers", headlineWorkers);
    options.put("postgres", postgresUrl == null ? "embedded" : "external");
    options.put("target", target == null ? "spawned" : target);
    options.put("seed", seed);
    return options;
  }

  /** The version from the jar's manifest, or "dev" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = LoadGenerator.class.getPackage().getImplementationVersion();
      return new String[] {"accord bench " + (version == null ? "dev" : version)};
    }
  }

  private <T extends AutoCloseable> T track(T resource) {
    synchronized (open) {
      open.push(resource);
    }
    return resource;
  }

  /** Stops the server, then the database: once, from the end of the run or from Ctrl-C. */
  private void closeAll() {
    synchronized (open) {
      while (!open.isEmpty()) {
        AutoCloseable resource = open.pop();
        try {
          resource.close();
        } catch (Exception e) {
          progress.println("Could not close " + resource + ": " + e);
        }
      }
    }
  }
}
