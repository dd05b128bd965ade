package dev.accord.bench.load;

import dev.accord.server.backend.postgres.PostgresBackend;
import dev.accord.server.direct.DirectAccord;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one cell (workload × workers × mode) of a run: seeds the cell's namespace for its workload,
 * then drives it through the server over TCP ({@link GrpcLoad} on channels of its own), direct mode
 * (an in-process backend of its own) or pgbench; reports the cell as not run when pgbench is
 * missing or the database has too few free connections for it.
 */
final class CellRunner {
  private static final String SEED_OWNER = "bench-seeder";

  private final Options options;
  private final Database db;
  private final String serverTarget;
  private final ChannelCredentials serverCredentials;
  private final Pgbench pgbench;
  private final SeedBaseline seedBaseline;
  private final Map<Workload, Path> scripts;
  private final Path pgbenchLog;
  private final String[] contended;
  private final String[] sweep;

  /**
   * @param db the database, or null (--target without --postgres: mode server, workloads a and b)
   * @param serverTarget host:port of the server, or null when mode server is not run
   * @param serverCredentials how server mode's channels reach it (plaintext, or TLS and a token)
   * @param pgbench null when pgbench is not run or not found
   * @param seedBaseline null when mode seed is not run or its database could not be made
   * @param scripts pgbench's script per workload
   * @param pgbenchLog where pgbench's output is appended
   */
  CellRunner(
      Options options,
      Database db,
      String serverTarget,
      ChannelCredentials serverCredentials,
      Pgbench pgbench,
      SeedBaseline seedBaseline,
      Map<Workload, Path> scripts,
      Path pgbenchLog) {
    this.options = options;
    this.db = db;
    this.serverTarget = serverTarget;
    this.serverCredentials = serverCredentials;
    this.pgbench = pgbench;
    this.seedBaseline = seedBaseline;
    this.scripts = scripts;
    this.pgbenchLog = pgbenchLog;
    this.contended = names(options.contendedNames);
    this.sweep = names(options.sweepNames);
  }

  /**
   * Runs the cell in {@code namespace}, which no other cell uses: {@code warmup} unmeasured, then
   * {@code duration} measured.
   */
  CellResult run(
      Workload workload,
      int workers,
      Mode mode,
      String namespace,
      long cellSeed,
      Duration warmup,
      Duration duration)
      throws Exception {
    if (mode == Mode.SEED && workload != Workload.A) {
      return CellResult.notRun(workload, workers, mode, "the seed baseline covers workload a");
    }
    if (mode == Mode.SEED && seedBaseline == null) {
      return CellResult.notRun(workload, workers, mode, "no seed database (see the run's output)");
    }
    if (mode == Mode.PGBENCH || mode == Mode.SEED) {
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
    if (db != null && mode != Mode.SEED) {
      switch (workload) {
        case A, D -> {}
        // Every contended name exists, as a released lease, so no acquire races an insert of the
        // same name.
        case B ->
            db.seed(namespace, options.contendedNames, 0, options.ttlSeconds, SEED_OWNER, cellSeed);
        case C ->
            db.seed(
                namespace,
                options.sweepNames,
                options.sweepDonePercent,
                options.ttlSeconds,
                SEED_OWNER,
                cellSeed);
      }
      db.checkpoint();
    }
    // b contends for the few names, c walks the seeded list; a makes up fresh names, using neither.
    String[] names = workload == Workload.B ? contended : sweep;
    switch (mode) {
      case SERVER -> {
        List<ManagedChannel> connections = new ArrayList<>();
        for (int i = 0; i < Math.min(options.channels, workers); i++) {
          connections.add(Grpc.newChannelBuilder(serverTarget, serverCredentials).build());
        }
        try {
          return GrpcLoad.run(
              new GrpcLoad.Cell(
                  workload,
                  workers,
                  namespace,
                  connections,
                  options.ttlSeconds,
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
        try (PostgresBackend backend = PostgresBackend.open(db.settings(options.poolSize))) {
          ManagedChannel channel = DirectAccord.channel(backend);
          try {
            return GrpcLoad.run(
                new GrpcLoad.Cell(
                    workload,
                    workers,
                    namespace,
                    List.of(channel),
                    options.ttlSeconds,
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
      case PGBENCH, SEED -> {
        if (mode == Mode.SEED) {
          seedBaseline.resetTable();
        }
        Path work = Files.createTempDirectory("accord-pgbench-");
        try {
          return pgbench.run(
              new Pgbench.Cell(
                  mode,
                  workload,
                  workers,
                  namespace,
                  options.ttlSeconds,
                  names.length,
                  warmup,
                  duration),
              mode == Mode.SEED ? seedBaseline.libpqEnvironment() : db.libpqEnvironment(),
              mode == Mode.SEED ? seedBaseline.script() : scripts.get(workload),
              work,
              pgbenchLog);
        } finally {
          Database.deleteTree(work);
        }
      }
      default -> throw new IllegalStateException("unknown mode " + mode);
    }
  }

  /** "0" … "count-1": the names {@link Database#seed} inserts and pgbench's scripts draw. */
  private static String[] names(int count) {
    String[] names = new String[count];
    for (int i = 0; i < count; i++) {
      names[i] = Integer.toString(i);
    }
    return names;
  }
}
