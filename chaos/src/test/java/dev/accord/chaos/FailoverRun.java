package dev.accord.chaos;

import dev.accord.chaos.Call.Op;
import dev.accord.chaos.Call.Outcome;
import dev.accord.chaos.ReplicatedPostgres.Replication;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A failover under load with synchronous replication: one server process on a multi-host URL
 * ({@code targetServerType=primary}), workers contending for a few names, a prober, and a Watch
 * client; then the primary is killed and the standby promoted. Measures how long the server takes
 * to follow, and checks the whole history (rows read from the new primary) with {@link
 * HistoryChecker}: with synchronous replication no acknowledged grant or done may be lost.
 */
final class FailoverRun {
  static final String NAMESPACE = "failover";
  private static final Duration SERVER_START = Duration.ofMinutes(2);
  private static final Duration CALL_DEADLINE = Duration.ofSeconds(2);
  private static final Duration FOLLOW_LIMIT = Duration.ofMinutes(2);
  private static final Duration WATCH_CATCH_UP = Duration.ofSeconds(30);

  /**
   * What to run.
   *
   * @param image the PostgreSQL image of primary and standby
   * @param seed draws every worker's choices
   * @param workers worker threads
   * @param names names contended for at any time
   * @param before how long workers run before the primary is killed
   * @param after how long they run once the server answers again
   * @param serverJar the shaded server jar
   * @param workDir logs and the history go here
   */
  record Settings(
      String image,
      long seed,
      int workers,
      int names,
      Duration before,
      Duration after,
      Path serverJar,
      Path workDir) {}

  /**
   * What a run found.
   *
   * @param killedAt when the primary was killed (Unix ms, the history's clock)
   * @param promotion from the kill to the standby accepting writes
   * @param follow from the kill to the first acquire granted again
   * @param gapCalls calls sent between the kill and that grant, by {@code op status}
   * @param calls the whole history
   * @param violations what the checker found over it, rows read from the new primary
   * @param storeBefore the store id before the kill
   * @param storeAfter the store id on the promoted standby
   * @param unwatched acknowledged dones the Watch client never received
   * @param watchReconnects how often its stream broke and resumed from its cursor
   * @param watchRefused why the server refused its cursor, or null
   * @param workerFailures workers that died of something other than a gRPC status
   */
  record Result(
      long killedAt,
      Duration promotion,
      Duration follow,
      Map<String, Integer> gapCalls,
      List<Call> calls,
      List<Violation> violations,
      UUID storeBefore,
      UUID storeAfter,
      Set<String> unwatched,
      int watchReconnects,
      String watchRefused,
      List<String> workerFailures) {

    /** When the server granted again. */
    long followedAt() {
      return killedAt + follow.toMillis();
    }

    String report() {
      long origin = calls.isEmpty() ? 0 : calls.get(0).invokedAt();
      StringBuilder text = new StringBuilder();
      text.append(
          String.format(
              "synchronous failover: promotion %d ms, server answering OK %d ms after the kill;"
                  + " %d calls, %d acknowledged dones%n",
              promotion.toMillis(),
              follow.toMillis(),
              calls.size(),
              calls.stream().filter(c -> c.op() == Op.DONE && c.isOk()).count()));
      text.append("calls sent during the gap: ").append(gapCalls).append('\n');
      text.append("store id ").append(storeBefore).append(" -> ").append(storeAfter).append('\n');
      text.append(
          String.format(
              "watch: %d reconnects, refused: %s, acknowledged dones not received: %s%n",
              watchReconnects, watchRefused, unwatched));
      workerFailures.forEach(f -> text.append("worker failed: ").append(f).append('\n'));
      text.append(violations.size()).append(" violation(s)\n");
      violations.forEach(v -> text.append(v.describe(origin)).append('\n'));
      return text.toString();
    }
  }

  private FailoverRun() {}

  static Result run(Settings settings, Consumer<String> progress) throws Exception {
    try (ReplicatedPostgres postgres =
            ReplicatedPostgres.start(
                settings.image(), Replication.SYNCHRONOUS, settings.workDir());
        ServerNode server =
            new ServerNode(1, settings.serverJar(), settings.workDir(), postgres.backendUrl())) {
      progress.accept("primary and synchronous standby on " + settings.image() + " streaming");
      server.start(SERVER_START);
      progress.accept("server serving on " + postgres.backendUrl().replaceAll("password=.*", ""));
      return drive(settings, progress, postgres, server);
    }
  }

  private static Result drive(
      Settings settings, Consumer<String> progress, ReplicatedPostgres postgres, ServerNode server)
      throws Exception {
    UUID storeBefore = postgres.storeId();
    History history = new History();
    WatchFollower watcher = new WatchFollower(server.channel(), NAMESPACE);
    Thread watchThread = new Thread(watcher, "failover-watch");
    watchThread.start();
    if (!watcher.awaitWatching(SERVER_START.toSeconds())) {
      throw new IllegalStateException("Watch gave no first response; see " + server.log());
    }
    CountDownLatch stop = new CountDownLatch(1);
    Random seeds = new Random(settings.seed());
    NamePool names = new NamePool(settings.names());
    List<Worker> workers = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 1; i <= settings.workers(); i++) {
      Worker worker =
          new Worker(
              i, seeds.nextLong(), history, List.of(server), names, NAMESPACE, CALL_DEADLINE, stop);
      workers.add(worker);
      threads.add(new Thread(worker, "failover-worker-" + i));
    }
    Prober prober = new Prober(server.channel(), history, NAMESPACE);
    Thread proberThread = new Thread(prober, "failover-prober");
    threads.forEach(Thread::start);
    proberThread.start();

    stop.await(settings.before().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    awaitDoneAfter(history, 0);
    long killedAt = System.currentTimeMillis();
    postgres.killPrimary();
    progress.accept("primary killed after " + history.size() + " calls; promoting the standby");
    postgres.promoteStandby();
    long promotedAt = System.currentTimeMillis();
    Call followed = awaitGrantAfter(history, killedAt);
    progress.accept(
        "standby promoted "
            + (promotedAt - killedAt)
            + " ms after the kill; server granting again after "
            + (followed.completedAt() - killedAt)
            + " ms");
    stop.await(settings.after().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    awaitDoneAfter(history, followed.completedAt());
    stop.countDown();
    prober.stop();
    for (Thread thread : threads) {
      thread.join();
    }
    proberThread.join();

    List<Call> calls = history.calls();
    List<Violation> violations = new HistoryChecker(1).check(calls, postgres.resources());
    Set<String> unwatched = awaitWatched(watcher, acknowledgedDones(calls), WATCH_CATCH_UP);
    watcher.stop();
    watchThread.join();
    List<String> failures = new ArrayList<>();
    for (Worker worker : workers) {
      if (worker.failure() != null) {
        failures.add(worker.failure().toString());
      }
    }
    writeHistory(calls, settings.workDir().resolve("history.txt"));
    return new Result(
        killedAt,
        Duration.ofMillis(promotedAt - killedAt),
        Duration.ofMillis(followed.completedAt() - killedAt),
        gapCalls(calls, killedAt, followed.completedAt()),
        calls,
        violations,
        storeBefore,
        postgres.storeId(),
        unwatched,
        watcher.reconnects(),
        watcher.refused(),
        failures);
  }

  /** The prober's first grant sent after {@code since}. */
  static Call awaitGrantAfter(History history, long since) throws InterruptedException {
    long deadline = System.nanoTime() + FOLLOW_LIMIT.toNanos();
    while (System.nanoTime() < deadline) {
      for (Call call : history.calls()) {
        if (call.process() == Prober.PROCESS && call.invokedAt() >= since && call.isOk()) {
          return call;
        }
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("the server granted nothing within " + FOLLOW_LIMIT);
  }

  /**
   * Waits until a done sent after {@code since} was acknowledged (on a busy machine the workers may
   * need longer than the phase), so both sides of the failover have one.
   */
  private static void awaitDoneAfter(History history, long since) throws InterruptedException {
    long deadline = System.nanoTime() + FOLLOW_LIMIT.toNanos();
    while (System.nanoTime() < deadline) {
      for (Call call : history.calls()) {
        if (call.op() == Op.DONE && call.isOk() && call.invokedAt() > since) {
          return;
        }
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("no done acknowledged within " + FOLLOW_LIMIT);
  }

  /** Calls sent from {@code from} to {@code to}, by {@code op status} (OK, or the gRPC code). */
  static Map<String, Integer> gapCalls(List<Call> calls, long from, long to) {
    Map<String, Integer> counts = new TreeMap<>();
    for (Call call : calls) {
      if (call.invokedAt() >= from && call.invokedAt() <= to) {
        String status =
            call.error().isEmpty() ? call.outcome().name() : call.error().split("[ :]", 2)[0];
        counts.merge(call.op().name().toLowerCase() + " " + status, 1, Integer::sum);
      }
    }
    return counts;
  }

  static Set<String> acknowledgedDones(List<Call> calls) {
    return calls.stream()
        .filter(c -> c.op() == Op.DONE && c.outcome() == Outcome.OK)
        .map(Call::name)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** Waits until the watcher has every name of {@code dones}; returns those it never got. */
  static Set<String> awaitWatched(WatchFollower watcher, Set<String> dones, Duration limit)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    Set<String> missing = new TreeSet<>(dones);
    while (true) {
      missing.removeAll(watcher.names());
      if (missing.isEmpty() || System.nanoTime() > deadline || watcher.refused() != null) {
        return missing;
      }
      Thread.sleep(50);
    }
  }

  static void writeHistory(List<Call> calls, Path file) throws java.io.IOException {
    long origin = calls.isEmpty() ? 0 : calls.get(0).invokedAt();
    try (java.io.BufferedWriter out = java.nio.file.Files.newBufferedWriter(file)) {
      for (Call call : calls) {
        out.write(call.describe(origin));
        out.newLine();
      }
    }
  }
}
