package dev.accord.server.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.accord.server.backend.AcquireAnswer.Outcome;
import dev.accord.server.backend.LeaseRejectedException.Reason;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The administrative operations every backend must have: statistics, get, release, reset, delete
 * and retention, with fencing tokens that never go backwards. Each implementation runs these same
 * cases through a subclass.
 */
public abstract class AdminContract extends AdminFixture {

  @Test
  void statsCountDoneHeldAndPendingWithTheirTimes() {
    long before = System.currentTimeMillis();
    grant("alice", "held");
    grantAndLetGo("pending");
    Resource done = finish("done");

    NamespaceStats stats = backend.stats(ns);

    assertThat(stats.namespace()).isEqualTo(ns);
    assertThat(List.of(stats.done(), stats.held(), stats.pending())).containsExactly(1L, 1L, 1L);
    // The store's clock, which on this one machine agrees with ours to well within a few seconds.
    assertThat(stats.oldestPendingMillis()).isBetween(before - 5_000, before + 60_000);
    assertThat(stats.latestDoneMillis()).isBetween(before - 5_000, before + 60_000);
    assertThat(backend.stats(ns + "-nothing")).isEqualTo(NamespaceStats.empty(ns + "-nothing"));
    assertThat(done.numAcquired()).isEqualTo(1);
  }

  @Test
  void aDeclaredTotalShowsInStatsUntilZeroClearsIt() {
    finish("done");
    backend.expect(ns, 1_000);
    backend.expect(ns, 2_000);

    assertThat(backend.stats(ns).expected()).isEqualTo(2_000);
    assertThat(backend.stats(ns).done()).isEqualTo(1);
    assertThat(backend.namespaces(ns, NamespaceScope.EVERYTHING))
        .extracting(NamespaceStats::expected)
        .containsExactly(2_000L);
    assertThat(backend.stats(ns + "-other").expected()).isZero();

    backend.expect(ns, 0);

    assertThat(backend.stats(ns).expected()).isZero();
  }

  @Test
  void namespacesListsThoseUnderThePrefixThatTheScopeAllowsInNameOrder() {
    finish(backend, ns + "/b", "x");
    grant(backend, ns + "/a", "alice", "y");
    grant(backend, ns + "-sibling", "alice", "z");

    assertThat(backend.namespaces(ns + "/", NamespaceScope.EVERYTHING))
        .extracting(NamespaceStats::namespace)
        .containsExactly(ns + "/a", ns + "/b");
    assertThat(backend.namespaces(ns + "/", NamespaceScope.EVERYTHING).get(1).done()).isEqualTo(1);
    assertThat(backend.namespaces(ns, NamespaceScope.of(Set.of(ns + "/b"), Set.of())))
        .extracting(NamespaceStats::namespace)
        .containsExactly(ns + "/b");
  }

  @Test
  void getShowsOneResourceExactlyOrNothing() {
    Resource grant = grant("alice", "file-1");

    assertThat(backend.get(ns, "file-1")).contains(grant);
    assertThat(backend.get(ns, "file-2")).isEmpty();
    assertThat(backend.get(ns + "-other", "file-1")).isEmpty();
  }

  @Test
  void releaseEndsTheLeaseSoTheOldHandleIsSupersededAndTheNextGrantIsOneMore() {
    Resource held = grant("alice", "held");
    finish("done");
    grantAndLetGo("expired");

    List<String> released =
        backend.release(new ResourceNames(ns, List.of("done", "held", "unknown", "expired")));

    assertThat(released).containsExactly("held");
    assertRefused(
        () -> backend.renew(new RenewCommand("alice", held.handleId(), 60, Map.of())),
        Reason.SUPERSEDED);
    assertRefused(
        () -> backend.done(new DoneCommand("alice", held.handleId(), Map.of())), Reason.SUPERSEDED);
    assertThat(backend.stats(ns).pending()).isEqualTo(2);
    Resource next = grant("bob", "held");
    assertThat(next.numAcquired()).isEqualTo(held.numAcquired() + 1);
    assertThat(backend.get(ns, "done").orElseThrow().isDone()).isTrue();
  }

  @Test
  void resetMakesNamedDoneResourcesPendingAndTheirTokensCarryOn() {
    Resource done = finish("done");
    Resource held = grant("alice", "held");

    long reset = backend.reset(ResetCommand.of(ns, List.of("done", "held", "unknown")));

    assertThat(reset).isEqualTo(1);
    assertThat(backend.get(ns, "done").orElseThrow().isDone()).isFalse();
    assertRefused(
        () -> backend.done(new DoneCommand("worker", done.handleId(), Map.of())),
        Reason.SUPERSEDED);
    Resource again = grant("bob", "done");
    assertThat(again.numAcquired()).isEqualTo(done.numAcquired() + 1);
    // A name under a lease is not done, so a reset leaves it to its holder, whose done then counts.
    backend.done(new DoneCommand("alice", held.handleId(), Map.of()));
    assertThat(backend.get(ns, "held").orElseThrow().isDone()).isTrue();
  }

  @Test
  void resetAllMakesEveryDoneResourceOfTheNamespaceOnlyPending() {
    finish("a");
    finish("b");
    grant("alice", "held");
    finish(backend, ns + "-other", "a");

    assertThat(backend.reset(ResetCommand.all(ns))).isEqualTo(2);

    NamespaceStats stats = backend.stats(ns);
    assertThat(List.of(stats.done(), stats.held(), stats.pending())).containsExactly(0L, 1L, 2L);
    assertThat(backend.stats(ns + "-other").done()).isEqualTo(1);
    assertThat(backend.reset(ResetCommand.all(ns))).isZero();
  }

  @Test
  void aNameDeletedWithItsNamespaceAndGrantedAgainGetsAGreaterTokenAndOldHandlesAreUnknown() {
    grantAndLetGo("file-1");
    grantAndLetGo("file-1");
    Resource third = grant("alice", "file-1");
    finish("file-2");

    assertThat(backend.delete(new DeleteCommand(ns, 0))).isEqualTo(2);

    assertThat(backend.stats(ns).isEmpty()).isTrue();
    assertThat(backend.get(ns, "file-1")).isEmpty();
    assertRefused(
        () -> backend.done(new DoneCommand("alice", third.handleId(), Map.of())),
        Reason.UNKNOWN_HANDLE);
    assertThat(grant("bob", "file-1").numAcquired()).isGreaterThan(third.numAcquired());
    assertThat(grant("bob", "file-2").numAcquired()).isGreaterThan(1);
  }

  @Test
  void deleteDoneBeforeRemovesOnlyWhatWasDoneBeforeTheTime() {
    Resource old = finish("old");
    long cutoff = backend.get(ns, "old").orElseThrow().doneAtMillis() + 1;
    await().atMost(Duration.ofSeconds(5)).until(() -> System.currentTimeMillis() > cutoff + 5);
    finish("new");
    grant("alice", "held");

    assertThat(backend.delete(new DeleteCommand(ns, cutoff))).isEqualTo(1);

    assertThat(backend.get(ns, "old")).isEmpty();
    assertThat(backend.get(ns, "new").orElseThrow().isDone()).isTrue();
    assertThat(backend.stats(ns).held()).isEqualTo(1);
    assertThat(grant("bob", "old").numAcquired()).isGreaterThan(old.numAcquired());
  }

  @Test
  void retentionDeletesInBatchesAcrossNamespacesAndTokensStillGrow() {
    try (Backend store = openOtherStore()) {
      for (int i = 0; i < 5; i++) {
        finish(store, "daily-1", "file-" + i);
      }
      for (int i = 0; i < 3; i++) {
        finish(store, "daily-2", "file-" + i);
      }
      grant(store, "daily-2", "alice", "held");
      long cutoff = System.currentTimeMillis() + 60_000;

      assertThat(store.deleteDoneBefore(cutoff, 3)).isEqualTo(3);
      assertThat(store.deleteDoneBefore(cutoff, 3)).isEqualTo(3);
      assertThat(store.deleteDoneBefore(cutoff, 3)).isEqualTo(2);
      assertThat(store.deleteDoneBefore(cutoff, 3)).isZero();

      assertThat(store.stats("daily-1").isEmpty()).isTrue();
      assertThat(store.stats("daily-2").held()).isEqualTo(1);
      assertThat(grant(store, "daily-1", "bob", "file-0").numAcquired()).isGreaterThan(1);
    }
  }

  @Test
  void tokensNeverGoBackwardsAcrossReleaseResetDeleteAndRetention() {
    try (Backend store = openOtherStore()) {
      long last = grant(store, "n", "w", "x").numAcquired();
      Resource held = grant(store, "n", "w", "y");
      store.release(new ResourceNames("n", List.of("x")));
      last = assertGreater(grant(store, "n", "w", "x"), last);
      store.done(new DoneCommand("w", handle(store, "x"), Map.of()));
      store.reset(ResetCommand.of("n", List.of("x")));
      last = assertGreater(grant(store, "n", "w", "x"), last);
      store.done(new DoneCommand("w", handle(store, "x"), Map.of()));
      store.delete(new DeleteCommand("n", System.currentTimeMillis() + 60_000));
      last = assertGreater(grant(store, "n", "w", "x"), last);
      store.done(new DoneCommand("w", handle(store, "x"), Map.of()));
      store.deleteDoneBefore(System.currentTimeMillis() + 60_000, 10);
      last = assertGreater(grant(store, "n", "w", "x"), last);
      store.delete(new DeleteCommand("n", 0));
      assertGreater(grant(store, "n", "w", "x"), last);
      assertGreater(grant(store, "n", "w", "y"), held.numAcquired());
    }
  }

  private static HandleId handle(Backend store, String name) {
    return store.get("n", name).orElseThrow().handleId();
  }

  private static long assertGreater(Resource grant, long previous) {
    assertThat(grant.numAcquired()).isGreaterThan(previous);
    return grant.numAcquired();
  }

  @Test
  void badInputNamesItsFieldAndWritesNothing() {
    finish("done");
    NamespaceStats before = backend.stats(ns);

    assertInvalid(() -> backend.release(new ResourceNames(ns, List.of())), "names");
    assertInvalid(() -> backend.release(new ResourceNames(ns, List.of("done", ""))), "names[1]");
    assertInvalid(() -> backend.reset(new ResetCommand(ns, List.of(), false)), "names");
    assertInvalid(() -> backend.reset(new ResetCommand(ns, List.of("done"), true)), "names");
    assertInvalid(() -> backend.reset(ResetCommand.of("x".repeat(101), List.of("a"))), "namespace");
    assertInvalid(() -> backend.delete(new DeleteCommand(ns, -1)), "done_before_tms");
    assertInvalid(
        () -> backend.release(new ResourceNames(ns, java.util.Collections.nCopies(1001, "a"))),
        "names");

    assertThat(backend.stats(ns)).isEqualTo(before);
  }

  @Test
  void statsAgreeWithTheRowsAfterConcurrentGrantsDoneMarksResetsAndDeletes() throws Exception {
    java.util.concurrent.ExecutorService workers =
        java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<?>> work = new java.util.ArrayList<>();
      for (int w = 0; w < 4; w++) {
        int worker = w;
        work.add(
            workers.submit(
                () -> {
                  for (int i = 0; i < 60; i++) {
                    String name = "file-" + (worker * 1000 + i % 30);
                    AcquireAnswer answer =
                        backend.acquire(new AcquireCommand("w" + worker, ns, name, 60, Map.of()));
                    if (answer.outcome() == Outcome.GRANTED && i % 3 != 0) {
                      backend.done(
                          new DoneCommand("w" + worker, answer.resource().handleId(), Map.of()));
                    }
                    if (i % 20 == 7) {
                      backend.reset(ResetCommand.of(ns, List.of(name, "file-" + worker)));
                    }
                  }
                }));
      }
      for (java.util.concurrent.Future<?> done : work) {
        done.get();
      }
    } finally {
      workers.shutdown();
    }
    backend.reset(ResetCommand.of(ns, List.of("file-1000", "file-2001")));
    backend.delete(new DeleteCommand(ns, System.currentTimeMillis() + 60_000));
    finish("after");

    assertStatsMatchTheRows();
    backend.delete(new DeleteCommand(ns, 0));
    assertThat(backend.stats(ns).isEmpty()).isTrue();
    assertThat(backend.namespaces(ns, NamespaceScope.EVERYTHING)).isEmpty();
  }

  private void assertStatsMatchTheRows() {
    List<Resource> rows = new java.util.ArrayList<>();
    Resource after = null;
    while (true) {
      List<Resource> page =
          backend.list(ListQuery.exactly(ns, ListQuery.StateFilter.ALL, Map.of(), 0), after, 100);
      rows.addAll(page);
      if (page.size() < 100) {
        break;
      }
      after = page.get(page.size() - 1);
    }
    long now = System.currentTimeMillis();
    long done = rows.stream().filter(Resource::isDone).count();
    long held = rows.stream().filter(r -> !r.isDone() && r.expiresAtMillis() > now + 5_000).count();
    NamespaceStats stats = backend.stats(ns);
    assertThat(stats.done()).isEqualTo(done);
    assertThat(stats.held()).isEqualTo(held);
    assertThat(stats.pending()).isEqualTo(rows.size() - done - held);
    assertThat(backend.namespaces(ns, NamespaceScope.EVERYTHING)).containsExactly(stats);
  }

  @Test
  void deletesRacingWithGrantsOnAnotherReplicaNeverLetATokenGoBack() throws Exception {
    Backend replica = openReplica();
    Backend granting = replica == null ? backend : replica;
    List<String> names = List.of("a", "b", "c", "d");
    Map<String, Long> last = new java.util.HashMap<>();
    java.util.concurrent.atomic.AtomicBoolean grantingDone =
        new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicLong deletesSoFar =
        new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.ExecutorService deleter =
        java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      java.util.concurrent.Future<Long> deletes =
          deleter.submit(
              () -> {
                long count = 0;
                while (!grantingDone.get()) {
                  backend.delete(new DeleteCommand(ns, 0));
                  count++;
                  deletesSoFar.incrementAndGet();
                }
                return count;
              });
      // At least 150 rounds, and on until deletes have really raced them (a fast store can finish
      // 150 rounds before the deleting thread first runs).
      for (int round = 0; (round < 150 || deletesSoFar.get() < 3) && round < 100_000; round++) {
        for (String name : names) {
          Resource grant = grantRetryingRaces(granting, name, round % 2 == 1);
          Long previous = last.put(name, grant.numAcquired());
          if (previous != null) {
            assertThat(grant.numAcquired()).as("token of %s", name).isGreaterThan(previous);
          }
          try {
            granting.renew(new RenewCommand("worker", grant.handleId(), 0, Map.of()));
          } catch (LeaseRejectedException deleted) {
            assertThat(deleted.reason()).isEqualTo(Reason.UNKNOWN_HANDLE);
          }
        }
      }
      grantingDone.set(true);
      assertThat(deletes.get()).isPositive();
    } finally {
      grantingDone.set(true);
      deleter.shutdown();
      if (replica != null) {
        replica.close();
      }
    }
  }

  /**
   * An acquire (or a claim) whose insert met a concurrent delete of its name may be refused as
   * UNAVAILABLE after its retries (its client tries again); it never gets a token that went back.
   */
  private Resource grantRetryingRaces(Backend store, String name, boolean byClaim) {
    while (true) {
      try {
        if (byClaim) {
          ClaimAnswer answer =
              store.claim(new ClaimCommand("worker", ns, List.of(name), 1, 60, Map.of()));
          if (!answer.granted().isEmpty()) {
            return answer.granted().get(0);
          }
        } else {
          AcquireAnswer answer =
              store.acquire(new AcquireCommand("worker", ns, name, 60, Map.of()));
          if (answer.outcome() == Outcome.GRANTED) {
            return answer.resource();
          }
        }
      } catch (BackendUnavailableException raced) {
        // try again, as a client would
      }
    }
  }
}
