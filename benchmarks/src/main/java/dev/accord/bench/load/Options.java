package dev.accord.bench.load;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The options of {@code ./accord bench}, a picocli mixin of {@link LoadGenerator}: what to measure
 * and how, checked together by {@link #validate}, and recorded in results.json by {@link #asMap}.
 */
final class Options {
  @Option(
      names = {"-w", "--workloads"},
      split = ",",
      defaultValue = "a,b,c,d",
      paramLabel = "W",
      description = "Workloads, comma-separated: a, b, c, d (default ${DEFAULT-VALUE}).")
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
      defaultValue = "server,direct,seed,pgbench",
      paramLabel = "MODE",
      description =
          "Modes, comma-separated: server, direct, seed, pgbench (default ${DEFAULT-VALUE}). "
              + "Workload d runs in mode server only.")
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
      names = "--loop-shapes",
      split = ",",
      defaultValue = "1x8x2,8x8x2",
      paramLabel = "KxTxW",
      converter = LoopShape.Converter.class,
      description =
          "Workload d: worker processes x work-loop threads x ms of work per name, comma-separated "
              + "(default ${DEFAULT-VALUE}).")
  List<LoopShape> loopShapes;

  @Option(
      names = "--loop-names",
      defaultValue = "10000",
      paramLabel = "N",
      description =
          "Workload d: names in the shared list; the sweep phase has --sweep-done-percent of them "
              + "done (default ${DEFAULT-VALUE}).")
  int loopNames;

  @Option(
      names = "--headline-workers",
      defaultValue = "64",
      paramLabel = "N",
      description =
          "Workers of the ratio server ÷ pgbench (our SQL), workload a, under the headline "
              + "server ÷ seed (default ${DEFAULT-VALUE}).")
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
      names = "--secure",
      description =
          "Run the spawned server with TLS (a CA and certificate made for the run), bearer tokens and "
              + "access rules, and make server mode's calls over TLS with a worker token; direct and "
              + "pgbench are unchanged. Compare a run with it against one without.")
  boolean secure;

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

  /** Rejects values out of range and combinations that cannot run, all problems at once. */
  void validate(CommandLine commandLine) {
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
    if (loopShapes.isEmpty() || loopNames < 1 || loopNames > 10_000_000) {
      problems.add("--loop-shapes needs a value, --loop-names must be from 1 to 10000000");
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
            || modes.contains(Mode.SEED)
            || modes.contains(Mode.PGBENCH))) {
      problems.add(
          "--target without --postgres can only run mode server with workloads a, b and d: workload c, "
              + "direct, seed and pgbench need the server's database (--postgres URL)");
    }
    if (secure && (target != null || !modes.contains(Mode.SERVER))) {
      problems.add(
          "--secure sets up TLS and a token for the server this run starts: it needs mode server "
              + "and no --target");
    }
    if (!problems.isEmpty()) {
      throw new CommandLine.ParameterException(commandLine, String.join("\n", problems));
    }
  }

  /** The options as results.json records them. */
  Map<String, Object> asMap() {
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
    options.put("loopShapes", loopShapes.stream().map(LoopShape::toString).toList());
    options.put("loopNames", loopNames);
    options.put("headlineWorkers", headlineWorkers);
    options.put("postgres", postgresUrl == null ? "embedded" : "external");
    options.put("target", target == null ? "spawned" : target);
    options.put("seed", seed);
    options.put("secure", secure);
    return options;
  }
}
