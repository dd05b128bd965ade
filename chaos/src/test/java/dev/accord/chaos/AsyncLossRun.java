package dev.accord.chaos;

import dev.accord.chaos.Call.Outcome;
import dev.accord.chaos.ReplicatedPostgres.Replication;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * What an asynchronous standby loses, made certain: the standby is stopped, calls are acknowledged
 * by the primary alone, the primary is killed, and the standby is started and promoted with only
 * what it had. Calls acknowledged before the standby stopped (and replayed by it) are the control.
 * Then the same names are asked for again through the server on the promoted standby.
 */
final class AsyncLossRun {
  private static final Duration SERVER_START = Duration.ofMinutes(2);
  private static final Duration CAUGHT_UP = Duration.ofSeconds(60);
  private static final int LEASE_SECONDS = 120;
  private static final int LOST_DONES = 3;
  private static final int DONES_AFTER = 3;
  private static final int OTHER_TRANSACTIONS = 100;
  private static final Duration WATCH_AFTER = Duration.ofSeconds(5);

  /**
   * What the run saw.
   *
   * @param answers each scripted question after the promotion and its answer, in order
   * @param violations the checker's findings over the whole history, rows from the new primary
   * @param storeBefore the store id before
   * @param storeAfter the store id on the promoted standby
   * @param watchedButNotDone names a Watch client received as done that the new primary has not
   * @param unwatchedAfter dones acknowledged after the promotion that the Watch client, resumed
   *     from its cursor of the old primary, never received
   * @param watchRefused why the server refused that cursor, or null
   * @param follow from the promotion to the server granting again
   * @param calls the whole history
   */
  record Result(
      Map<String, String> answers,
      List<Violation> violations,
      UUID storeBefore,
      UUID storeAfter,
      Set<String> watchedButNotDone,
      Set<String> unwatchedAfter,
      String watchRefused,
      Duration follow,
      List<Call> calls) {

    String report() {
      long origin = calls.isEmpty() ? 0 : calls.get(0).invokedAt();
      StringBuilder text = new StringBuilder();
      text.append("asynchronous failover, standby stopped while the primary acknowledged calls:\n");
      answers.forEach((q, a) -> text.append("  ").append(q).append(" -> ").append(a).append('\n'));
      text.append("server answering OK ")
          .append(follow.toMillis())
          .append(" ms after the promotion\n");
      text.append("store id ").append(storeBefore).append(" -> ").append(storeAfter).append('\n');
      text.append("watched as done, not done any more: ").append(watchedButNotDone).append('\n');
      text.append("dones after the promotion not received on the old cursor: ")
          .append(unwatchedAfter)
          .append(watchRefused == null ? "" : " (cursor refused: " + watchRefused + ")")
          .append('\n');
      text.append(violations.size()).append(" violation(s) found by the checker\n");
      violations.forEach(v -> text.append(v.describe(origin)).append('\n'));
      return text.toString();
    }
  }

  private AsyncLossRun() {}

  static Result run(String image, Path serverJar, Path workDir, Consumer<String> progress)
      throws Exception {
    try (ReplicatedPostgres postgres =
            ReplicatedPostgres.start(image, Replication.ASYNCHRONOUS, workDir);
        ServerNode server = new ServerNode(2, serverJar, workDir, postgres.backendUrl())) {
      progress.accept("primary and asynchronous standby on " + image + " streaming");
      server.start(SERVER_START);
      return drive(postgres, server, workDir, progress);
    }
  }

  private static Result drive(
      ReplicatedPostgres postgres, ServerNode server, Path workDir, Consumer<String> progress)
      throws Exception {
    String namespace = FailoverRun.NAMESPACE;
    UUID storeBefore = postgres.storeId();
    History history = new History();
    ScriptedClient first = new ScriptedClient(server.channel(), history, 1, namespace);
    ScriptedClient second = new ScriptedClient(server.channel(), history, 2, namespace);
    WatchFollower watcher = new WatchFollower(server.channel(), namespace);
    Thread watchThread = new Thread(watcher, "async-watch");
    watchThread.start();
    if (!watcher.awaitWatching(SERVER_START.toSeconds())) {
      throw new IllegalStateException("Watch gave no first response; see " + server.log());
    }

    // Replicated: the control.
    first.done(granted(first.acquire("kept-done", LEASE_SECONDS)));
    Call keptLease = granted(first.acquire("kept-lease", LEASE_SECONDS));
    awaitCaughtUp(postgres);
    postgres.stopStandby();
    progress.accept("standby stopped; the primary acknowledges alone");

    // Acknowledged by the primary alone, among other writers' transactions.
    postgres.commitOtherTransactions(OTHER_TRANSACTIONS);
    Set<String> lostDones = new TreeSet<>();
    for (int i = 0; i < LOST_DONES; i++) {
      Call done = first.done(granted(first.acquire("lost-done-" + i, LEASE_SECONDS)));
      require(done.isOk(), "done of lost-done-" + i, done);
      lostDones.add("lost-done-" + i);
    }
    Call lostLease = granted(first.acquire("lost-lease", LEASE_SECONDS));
    Call keptLeaseDone = first.done(keptLease);
    require(keptLeaseDone.isOk(), "done of kept-lease", keptLeaseDone);
    Set<String> watchedBefore =
        FailoverRun.awaitWatched(watcher, withKeptLease(lostDones), CAUGHT_UP);

    long killedAt = System.currentTimeMillis();
    postgres.killPrimary();
    postgres.startStandby();
    postgres.promoteStandby();
    long promotedAt = System.currentTimeMillis();
    Prober prober = new Prober(server.channel(), history, namespace);
    Thread proberThread = new Thread(prober, "async-prober");
    proberThread.start();
    Call followed = FailoverRun.awaitGrantAfter(history, killedAt);
    prober.stop();
    proberThread.join();
    progress.accept(
        "standby promoted; server granting "
            + (followed.completedAt() - promotedAt)
            + " ms after the promotion");

    Map<String, String> answers = new LinkedHashMap<>();
    answers.put("acquire kept-done (done, replicated)", describe(second.acquire("kept-done", 5)));
    for (String name : lostDones) {
      answers.put(
          "acquire " + name + " (done acknowledged, not replicated)",
          describe(second.acquire(name, 5)));
    }
    answers.put(
        "acquire lost-lease by another worker (granted token "
            + lostLease.token()
            + " acknowledged, not replicated; "
            + LEASE_SECONDS
            + " s lease)",
        describe(second.acquire("lost-lease", 5)));
    answers.put("renew lost-lease by its first holder", describe(first.renew(lostLease, 5)));
    answers.put(
        "acquire kept-lease by another worker (granted replicated, its done not)",
        describe(second.acquire("kept-lease", 5)));
    answers.put("done kept-lease by its holder, again", describe(first.done(keptLease)));

    Set<String> donesAfter = new TreeSet<>();
    for (int i = 0; i < DONES_AFTER; i++) {
      Call done = second.done(granted(second.acquire("after-" + i, 30)));
      require(done.isOk(), "done of after-" + i, done);
      donesAfter.add("after-" + i);
    }
    Set<String> unwatchedAfter = FailoverRun.awaitWatched(watcher, donesAfter, WATCH_AFTER);
    watcher.stop();
    watchThread.join();

    List<Call> calls = history.calls();
    Map<String, ResourceRow> rows = postgres.resources();
    Set<String> watchedButNotDone = new TreeSet<>();
    for (String name : watcher.names()) {
      ResourceRow row = rows.get(namespace + "/" + name);
      if (row == null || !row.done()) {
        watchedButNotDone.add(name);
      }
    }
    if (!watchedBefore.isEmpty()) {
      throw new IllegalStateException("Watch never streamed the dones " + watchedBefore);
    }
    FailoverRun.writeHistory(calls, workDir.resolve("history.txt"));
    return new Result(
        answers,
        new HistoryChecker(1).check(calls, rows),
        storeBefore,
        postgres.storeId(),
        watchedButNotDone,
        unwatchedAfter,
        watcher.refused(),
        Duration.ofMillis(followed.completedAt() - promotedAt),
        calls);
  }

  private static Set<String> withKeptLease(Set<String> names) {
    Set<String> all = new TreeSet<>(names);
    all.add("kept-lease");
    return all;
  }

  private static void awaitCaughtUp(ReplicatedPostgres postgres) throws Exception {
    long deadline = System.nanoTime() + CAUGHT_UP.toNanos();
    while (!postgres.standbyCaughtUp()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the standby did not catch up within " + CAUGHT_UP);
      }
      Thread.sleep(50);
    }
  }

  private static Call granted(Call acquire) {
    require(acquire.isOk(), "acquire of " + acquire.name(), acquire);
    return acquire;
  }

  private static void require(boolean ok, String what, Call call) {
    if (!ok) {
      throw new IllegalStateException(what + " answered " + call.describe(call.invokedAt()));
    }
  }

  private static String describe(Call call) {
    String answer = call.outcome() == Outcome.OK ? "OK" : call.outcome().name();
    if (!call.error().isEmpty()) {
      answer += " (" + call.error() + ")";
    }
    if (call.outcome() == Outcome.OK && call.expiresAt() != 0) {
      answer += " token " + call.token();
    }
    return answer;
  }
}
