package dev.accord.chaos;

import dev.accord.chaos.Call.Op;
import dev.accord.chaos.Call.Outcome;
import dev.accord.chaos.Nemesis.Fault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * One run: a PostgreSQL, two servers on it, workers contending for a few names while the nemesis
 * breaks things; then everything healed, the database read, and the history checked.
 */
public final class ChaosRun {
  /**
   * What to run.
   *
   * @param seed draws the fault schedule and every worker's choices
   * @param length how long workers and faults run at least (longer until every kind of fault was
   *     injected once)
   * @param workers worker threads
   * @param names names contended for at any time
   * @param serverJar the shaded server jar
   * @param workDir where PostgreSQL's data and the servers' logs go
   */
  public record Settings(
      long seed, Duration length, int workers, int names, Path serverJar, Path workDir) {
    public Settings {
      if (workers < 1) {
        throw new IllegalArgumentException("workers must be >= 1, got " + workers);
      }
      if (names < 1) {
        throw new IllegalArgumentException("names must be >= 1, got " + names);
      }
      if (length.isNegative() || length.isZero()) {
        throw new IllegalArgumentException("length must be positive, got " + length);
      }
      if (!Files.isRegularFile(serverJar)) {
        throw new IllegalArgumentException(
            "server jar " + serverJar + " not found: build it with mvn -pl server -am package");
      }
    }
  }

  /**
   * What a run found.
   *
   * @param seed the seed it ran with
   * @param elapsed from the first worker's start to the check
   * @param calls the history
   * @param faults faults injected and healed, by kind
   * @param violations what the checker found; empty when every guarantee held
   * @param workerFailures workers that died of something other than a gRPC status (driver bugs)
   */
  public record Result(
      long seed,
      Duration elapsed,
      List<Call> calls,
      Map<Fault, Integer> faults,
      List<Violation> violations,
      List<String> workerFailures) {

    /**
     * Calls by {@code op outcome [status]}, e.g. {@code acquire OK} or {@code renew REFUSED
     * FAILED_PRECONDITION SUPERSEDED}.
     */
    public Map<String, Integer> counts() {
      Map<String, Integer> counts = new TreeMap<>();
      for (Call call : calls) {
        String error = call.error().isEmpty() ? "" : " " + call.error().split(":", 2)[0];
        counts.merge(
            call.op().name().toLowerCase(java.util.Locale.ROOT) + " " + call.outcome() + error,
            1,
            Integer::sum);
      }
      return counts;
    }

    /** A refused use of a handle: what the stale-handle rule needs to have been exercised. */
    public long refusedHandles() {
      return calls.stream()
          .filter(c -> c.op() != Op.ACQUIRE && c.outcome() == Outcome.REFUSED)
          .count();
    }

    /** The summary and every violation, for a log or a failure message. */
    public String report() {
      StringBuilder text = new StringBuilder();
      String nl = System.lineSeparator();
      text.append("seed ")
          .append(seed)
          .append(", ")
          .append(elapsed.toSeconds())
          .append(" s, ")
          .append(calls.size())
          .append(" calls, faults ")
          .append(faults)
          .append(nl)
          .append("calls: ")
          .append(counts())
          .append(nl);
      workerFailures.forEach(f -> text.append("worker failed: ").append(f).append(nl));
      text.append(violations.size()).append(" violation(s)").append(nl);
      // Times in the report are seconds from the first call, as in history.txt.
      long origin = calls.isEmpty() ? 0 : calls.get(0).invokedAt();
      violations.forEach(v -> text.append(v.describe(origin)).append(nl));
      return text.toString();
    }
  }

  private static final Duration SERVER_START = Duration.ofMinutes(2);
  private static final Duration CALL_DEADLINE = Duration.ofSeconds(2);
  private static final String NAMESPACE = "chaos";
  private static final int SERVERS = 2;

  private ChaosRun() {}

  /** Runs {@code settings}, telling {@code progress} what happens. */
  public static Result run(Settings settings, Consumer<String> progress) throws Exception {
    progress.accept("seed " + settings.seed() + ", work directory " + settings.workDir());
    Files.createDirectories(settings.workDir());
    List<Nemesis.Step> schedule =
        Nemesis.schedule(
            settings.seed(), (int) Math.max(3, settings.length().toSeconds() / 2), SERVERS);
    History history = new History();
    List<ServerNode> servers = new ArrayList<>();
    try (ChaosPostgres postgres = ChaosPostgres.start(settings.workDir().resolve("pg"))) {
      try {
        for (int i = 0; i < SERVERS; i++) {
          ServerNode server =
              new ServerNode(i, settings.serverJar(), settings.workDir(), postgres.backendUrl());
          servers.add(server);
          // One after the other: the first creates the schema.
          server.start(SERVER_START);
        }
        progress.accept("PostgreSQL on port " + postgres.port() + ", 2 servers serving");
        return drive(settings, progress, schedule, history, postgres, servers);
      } finally {
        for (ServerNode server : servers) {
          server.close();
        }
      }
    }
  }

  private static Result drive(
      Settings settings,
      Consumer<String> progress,
      List<Nemesis.Step> schedule,
      History history,
      ChaosPostgres postgres,
      List<ServerNode> servers)
      throws Exception {
    long started = System.nanoTime();
    CountDownLatch stop = new CountDownLatch(1);
    Random seeds = new Random(settings.seed());
    NamePool names = new NamePool(settings.names());
    List<Worker> workers = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 1; i <= settings.workers(); i++) {
      Worker worker =
          new Worker(i, seeds.nextLong(), history, servers, names, NAMESPACE, CALL_DEADLINE, stop);
      workers.add(worker);
      threads.add(new Thread(worker, "chaos-worker-" + i));
    }
    Nemesis nemesis = new Nemesis(schedule, postgres, servers, progress);
    Thread nemesisThread = new Thread(nemesis, "chaos-nemesis");
    threads.forEach(Thread::start);
    nemesisThread.start();

    long end = started + settings.length().toNanos();
    // A short run on a slow machine still meets every kind of fault once: restarts take their time.
    while ((System.nanoTime() < end || nemesis.injected().size() < Fault.values().length)
        && nemesisThread.isAlive()) {
      nemesisThread.join(Math.max(1, Math.min(10_000, (end - System.nanoTime()) / 1_000_000)));
      progress.accept(
          String.format(
              "%d s: %d calls, faults %s",
              (System.nanoTime() - started) / 1_000_000_000, history.size(), nemesis.injected()));
    }
    nemesis.stop();
    nemesisThread.join();
    stop.countDown();
    for (Thread thread : threads) {
      thread.join();
    }
    heal(postgres, servers);
    Map<String, ResourceRow> rows = postgres.resources();
    List<Call> calls = history.calls();
    Path historyFile = settings.workDir().resolve("history.txt");
    writeHistory(calls, historyFile);
    progress.accept("history of " + calls.size() + " calls in " + historyFile);
    List<Violation> violations = new HistoryChecker(1).check(calls, rows);
    List<String> failures = new ArrayList<>();
    if (nemesis.failure() != null) {
      failures.add("nemesis: " + nemesis.failure());
    }
    for (Worker worker : workers) {
      if (worker.failure() != null) {
        failures.add(worker.failure().toString());
      }
    }
    Map<Fault, Integer> faults = new EnumMap<>(Fault.class);
    faults.putAll(nemesis.injected());
    return new Result(
        settings.seed(),
        Duration.ofNanos(System.nanoTime() - started),
        calls,
        faults,
        violations,
        failures);
  }

  /** One line per call, for reading a violation in its context. */
  private static void writeHistory(List<Call> calls, Path file) throws java.io.IOException {
    long origin = calls.isEmpty() ? 0 : calls.get(0).invokedAt();
    try (java.io.BufferedWriter out = Files.newBufferedWriter(file)) {
      for (Call call : calls) {
        out.write(call.describe(origin));
        out.newLine();
      }
    }
  }

  /**
   * Whatever a failed nemesis left broken is mended, so the database can be read and the servers
   * stopped cleanly.
   */
  private static void heal(ChaosPostgres postgres, List<ServerNode> servers) throws Exception {
    if (!postgres.isRunning()) {
      postgres.restart();
    }
    for (ServerNode server : servers) {
      if (!server.isUp()) {
        server.kill();
        server.start(SERVER_START);
      }
    }
  }
}
