package dev.accord.bench.load;

import dev.accord.server.cli.DemoSecurity;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One run of {@code ./accord bench}: starts what the options ask for (PostgreSQL, the Accord
 * server, pgbench's scripts), warms up the JVMs, runs every cell in turn, then writes the results.
 * It owns the database and server it starts, and {@link #closeAll} stops them.
 */
final class BenchRun {
  private final Options options;
  private final PrintStream stdout;
  private final PrintStream progress;
  private final Path serverLog;
  private final Path pgbenchLog;
  private final Deque<AutoCloseable> open = new ArrayDeque<>();

  /**
   * @param stdout where the results table is printed
   * @param progress where what the run is doing is printed, cell after cell
   */
  BenchRun(
      Options options, PrintStream stdout, PrintStream progress, Path serverLog, Path pgbenchLog) {
    this.options = options;
    this.stdout = stdout;
    this.progress = progress;
    this.serverLog = serverLog;
    this.pgbenchLog = pgbenchLog;
  }

  /**
   * Runs every cell and writes the results into the output directory.
   *
   * @return the exit code: 0, or 1 when some cell had errors
   */
  int run(Instant started, String runId) throws Exception {
    String loadAtStart = MachineFacts.loadAverage();
    Pgbench pgbench = null;
    if (options.modes.contains(Mode.PGBENCH) || options.modes.contains(Mode.SEED)) {
      pgbench = PgbenchBinary.find(options.pgbenchPath).map(Pgbench::new).orElse(null);
      if (pgbench == null) {
        progress.println(
            "pgbench not found ("
                + PgbenchBinary.INSTALL_HINT
                + "): its cells are reported as not run");
      }
    }
    Database db = null;
    if (options.postgresUrl != null || options.target == null) {
      progress.println(
          options.postgresUrl != null
              ? "Connecting to PostgreSQL..."
              : "Starting the embedded PostgreSQL...");
      db =
          track(
              options.postgresUrl != null
                  ? Database.external(options.postgresUrl)
                  : Database.embedded(options.dataDir));
      db.migrate();
      progress.println("PostgreSQL: " + db.describe());
    }
    String serverTarget = options.target;
    ChannelCredentials serverCredentials = InsecureChannelCredentials.create();
    ServerProcess server = null;
    if (options.modes.contains(Mode.SERVER) && options.target == null) {
      Map<String, String> settings = Map.of();
      if (options.secure) {
        // Tracked before the server, so it is deleted after the server stops.
        DemoSecurity security = track(DemoSecurity.create(List.of("bench-*")));
        settings = security.serverEnvironment();
        serverCredentials = security.channelCredentials();
      }
      progress.println("Starting the Accord server (log: " + serverLog + ")...");
      server =
          track(
              ServerProcess.start(
                  db.serverBackend(), options.poolSize, settings, serverCredentials, serverLog));
      serverTarget = server.target();
      progress.println(
          "Accord server on "
              + serverTarget
              + " (pid "
              + server.pid()
              + ", pool "
              + options.poolSize
              + ", "
              + security()
              + ")");
    }
    SeedBaseline seedBaseline = null;
    if (pgbench != null && db != null && options.modes.contains(Mode.SEED)) {
      try {
        seedBaseline = SeedBaseline.prepare(db, options.out);
      } catch (SQLException e) {
        progress.println(
            "Could not create database "
                + SeedBaseline.DATABASE
                + " for the seed baseline ("
                + e.getMessage()
                + "): its cells are reported as not run");
      }
    }
    Map<Workload, Path> scripts = new LinkedHashMap<>();
    if (pgbench != null) {
      for (Workload workload : gridWorkloads()) {
        Path script = options.out.resolve("pgbench-" + workload.id + ".sql");
        Files.writeString(script, PgbenchScript.of(workload));
        scripts.put(workload, script);
      }
    }

    CellRunner runner =
        new CellRunner(
            options,
            db,
            serverTarget,
            serverCredentials,
            pgbench,
            seedBaseline,
            scripts,
            pgbenchLog);
    if (options.jvmWarmupSeconds > 0) {
      warmUpJvms(runner, runId);
    }
    List<CellResult> cells = runCells(runner, runId);
    List<LoopResult> loops = LoopFleet.runAll(options, db, serverTarget, runId, progress);

    if (server != null) {
      progress.println("Stopping the Accord server...");
      server.close();
    }
    String markdown =
        writeResults(
            started, runId, loadAtStart, db, pgbench, serverTarget, server != null, cells, loops);
    stdout.println();
    stdout.print(markdown);
    boolean errors =
        cells.stream().anyMatch(c -> c.errors() > 0)
            || loops.stream().anyMatch(l -> l.errors() > 0);
    return errors ? 1 : 0;
  }

  /**
   * Loads the server's JVM and this one (direct mode) with unmeasured cells before the first
   * measured one, so the first cells do not time the JIT compiler. pgbench has no JIT to warm.
   */
  private void warmUpJvms(CellRunner runner, String runId) throws Exception {
    for (Mode mode : options.modes) {
      if (mode == Mode.PGBENCH || mode == Mode.SEED) {
        continue;
      }
      // Both call paths (acquire + done, acquire + release), half the time each.
      Duration half = Duration.ofSeconds(Math.max(1, options.jvmWarmupSeconds / 2));
      for (Workload workload : List.of(Workload.A, Workload.B)) {
        CellResult warm =
            runner.run(
                workload,
                32,
                mode,
                "bench-" + runId + "-jvm-warmup-" + workload.id + "-" + mode.id,
                options.seed,
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

  /** Every workload × workers × mode, in that order, each in a namespace of its own. */
  private List<CellResult> runCells(CellRunner runner, String runId) throws Exception {
    Duration warmup = Duration.ofSeconds(options.warmupSeconds);
    Duration duration = Duration.ofSeconds(options.durationSeconds);
    List<CellResult> cells = new ArrayList<>();
    int total = gridWorkloads().size() * options.concurrency.size() * options.modes.size();
    for (Workload workload : gridWorkloads()) {
      for (int workers : options.concurrency) {
        for (Mode mode : options.modes) {
          String namespace = "bench-" + runId + "-" + workload.id + "-c" + workers + "-" + mode.id;
          long cellSeed = options.seed * 1_000_003L + cells.size();
          CellResult cell =
              runner.run(workload, workers, mode, namespace, cellSeed, warmup, duration);
          cells.add(cell);
          progress.println(progressLine(cells.size(), total, cell));
        }
      }
    }
    return cells;
  }

  /** The workloads of closed-loop cells: all but d. */
  private List<Workload> gridWorkloads() {
    return options.workloads.stream().filter(w -> w != Workload.D).toList();
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

  /**
   * Writes results.json, results.md and the charts into the output directory, with what the run ran
   * on.
   *
   * @param db null when the run had no database of its own (--target without --postgres)
   * @param pgbench null when pgbench did not run
   * @param serverTarget null when no server was driven
   * @return results.md's text
   */
  private String writeResults(
      Instant started,
      String runId,
      String loadAtStart,
      Database db,
      Pgbench pgbench,
      String serverTarget,
      boolean serverSpawned,
      List<CellResult> cells,
      List<LoopResult> loops)
      throws Exception {
    Map<String, Object> machine = MachineFacts.collect();
    machine.put("loadAverageAtStart", loadAtStart);
    machine.put("loadAverageAtEnd", MachineFacts.loadAverage());
    Map<String, String> postgres =
        db == null ? Map.of("source", "unknown (--target without --postgres)") : db.facts();
    String headline = Reports.headline(cells, options.concurrency, options.headlineWorkers);
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
            serverSpawned,
            "poolSize",
            options.poolSize,
            "callThreads",
            options.poolSize * 2,
            "channels",
            options.channels,
            "security",
            security()));
    document.put("options", options.asMap());
    document.put("headline", headline);
    document.put("cells", cells);
    document.put("loops", loops);
    Reports.writeJson(options.out.resolve("results.json"), document);

    String context =
        String.format(
            Locale.ROOT,
            "%s. %s (%s cores), %s RAM, load average %s at start, %s at end; "
                + "%s. PostgreSQL %s (%s; synchronous_commit %s, fsync %s)%s. %d s warm-up + %d s measured per cell; "
                + "server: separate JVM, pool %d, %d channels, %s; direct: in-process, pool %d.",
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
            options.warmupSeconds,
            options.durationSeconds,
            options.poolSize,
            options.channels,
            security(),
            options.poolSize);
    String markdown =
        Reports.markdown(
                cells, gridWorkloads(), options.concurrency, options.modes, context, headline)
            + Reports.loopMarkdown(loops, options.loopNames, options.sweepDonePercent);
    Files.writeString(options.out.resolve("results.md"), markdown);
    Reports.charts(options.out, cells, gridWorkloads(), options.concurrency, options.modes);
    progress.println(
        "Results in "
            + options.out.toAbsolutePath().normalize()
            + ": results.json, results.md, "
            + "throughput-*.png, throughput-*.svg");
    return markdown;
  }

  /** How server mode's calls are secured. */
  private String security() {
    return options.secure ? "TLS + bearer tokens + access rules" : "plaintext, no authentication";
  }

  private <T extends AutoCloseable> T track(T resource) {
    synchronized (open) {
      open.push(resource);
    }
    return resource;
  }

  /** Stops the server, then the database: once, from the end of the run or from Ctrl-C. */
  void closeAll() {
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
