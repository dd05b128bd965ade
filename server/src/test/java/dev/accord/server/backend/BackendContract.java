package dev.accord.server.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.accord.api.InputLimits;
import dev.accord.server.backend.AcquireAnswer.Outcome;
import dev.accord.server.backend.LeaseRejectedException.Reason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;

/**
 * The semantics every backend must have. Each implementation runs these same cases through a
 * subclass; each test works in a namespace of its own, so they share one store per class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BackendContract {
  private static final AtomicInteger namespaces = new AtomicInteger();
  protected Backend backend;

  /** This test's own namespace. */
  protected String ns;

  protected abstract Backend openBackend();

  /** The key {@link #backend}'s handle IDs are sealed with. */
  protected abstract HandleKey handleKey();

  /** A backend on a store of its own (another database, another process's memory). */
  protected abstract Backend openOtherStore();

  /**
   * Another backend on {@link #backend}'s store, as a second replica would open it; null when the
   * store cannot be shared.
   */
  protected Backend openReplica() {
    return null;
  }

  @BeforeAll
  void openStore() {
    backend = openBackend();
  }

  @AfterAll
  void closeStore() {
    backend.close();
  }

  @BeforeEach
  void pickNamespace(TestInfo test) {
    ns =
        "contract-"
            + namespaces.incrementAndGet()
            + "-"
            + test.getTestMethod().orElseThrow().getName();
  }

  protected AcquireAnswer acquire(String owner, String name) {
    return acquire(owner, name, 60, Map.of());
  }

  protected AcquireAnswer acquire(
      String owner, String name, int ttl, Map<String, String> metadata) {
    return backend.acquire(new AcquireCommand(owner, ns, name, ttl, metadata));
  }

  protected Resource granted(String owner, String name) {
    return granted(owner, name, 60, Map.of());
  }

  protected Resource granted(String owner, String name, int ttl, Map<String, String> metadata) {
    AcquireAnswer result = acquire(owner, name, ttl, metadata);
    assertThat(result.outcome()).as("acquire of %s by %s", name, owner).isEqualTo(Outcome.GRANTED);
    return result.resource();
  }

  protected List<Resource> listAll(ListQuery query) {
    List<Resource> all = new ArrayList<>();
    Resource after = null;
    while (true) {
      List<Resource> page = backend.list(query, after, 2);
      all.addAll(page);
      if (page.size() < 2) {
        return all;
      }
      after = page.get(page.size() - 1);
    }
  }

  protected List<String> names(List<Resource> resources) {
    return resources.stream().map(Resource::name).toList();
  }

  @Test
  void firstAcquireCreatesTheResourceAndGrantsIt() {
    long before = System.currentTimeMillis();
    AcquireAnswer result = acquire("alice", "file-1", 30, Map.of("k", "v"));
    long after = System.currentTimeMillis();

    assertThat(result.outcome()).isEqualTo(Outcome.GRANTED);
    Resource resource = result.resource();
    assertThat(resource.namespace()).isEqualTo(ns);
    assertThat(resource.name()).isEqualTo("file-1");
    assertThat(resource.owner()).isEqualTo("alice");
    assertThat(resource.numAcquired()).isEqualTo(1);
    assertThat(handleKey().open(resource.handleId()).grant()).isEqualTo(1);
    assertThat(resource.doneAtMillis()).isZero();
    assertThat(resource.metadata()).containsExactlyEntriesOf(Map.of("k", "v"));
    // The store's clock, which on this one machine agrees with ours to well within a few seconds.
    assertThat(resource.expiresAtMillis())
        .isBetween(before + 30_000 - 5_000, after + 30_000 + 5_000);
  }

  @Test
  void aResourceUnderAnUnexpiredLeaseIsHeldEvenForItsOwnOwner() {
    Resource grant = granted("alice", "file-1");

    AcquireAnswer byOther = acquire("bob", "file-1");
    AcquireAnswer byOwner = acquire("alice", "file-1");

    assertThat(byOther.outcome()).isEqualTo(Outcome.HELD);
    assertThat(byOwner.outcome()).isEqualTo(Outcome.HELD);
    assertThat(byOther.resource().numAcquired()).isEqualTo(1);
    assertThat(byOther.resource().owner()).isEqualTo("alice");
    assertThat(byOther.resource().expiresAtMillis()).isEqualTo(grant.expiresAtMillis());
  }

  @Test
  void releasingWithTtlZeroLetsTheNextAcquireTakeOverWithAHigherFencingToken() {
    Resource first = granted("alice", "file-1");
    backend.renew(new RenewCommand("alice", first.handleId(), 0, Map.of()));

    Resource second = granted("bob", "file-1");

    assertThat(second.numAcquired()).isEqualTo(2);
    assertThat(second.owner()).isEqualTo("bob");
    assertThat(second.handleId()).isNotEqualTo(first.handleId());
    assertThat(handleKey().open(second.handleId()).resourceId())
        .isEqualTo(handleKey().open(first.handleId()).resourceId());
  }

  @Test
  void anExpiredLeaseIsTakenOverAndTheOldHandleIsRefusedAsSuperseded() {
    Resource first = acquire("alice", "file-1", 1, Map.of()).resource();

    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> acquire("bob", "file-1").outcome() == Outcome.GRANTED);

    AcquireAnswer again = acquire("carol", "file-1");
    assertThat(again.outcome()).isEqualTo(Outcome.HELD);
    assertThat(again.resource().owner()).isEqualTo("bob");
    assertThat(again.resource().numAcquired()).isEqualTo(2);
    assertRefused(
        () -> backend.renew(new RenewCommand("alice", first.handleId(), 60, Map.of())),
        Reason.SUPERSEDED);
    assertRefused(
        () -> backend.done(new DoneCommand("alice", first.handleId(), Map.of())),
        Reason.SUPERSEDED);
  }

  @Test
  void everyLoserOfARaceForAnExpiredLeaseIsToldTheWinnersGrant() throws Exception {
    int racers = 32;
    ExecutorService threads = Executors.newFixedThreadPool(racers);
    try {
      // Rounds, so the racers' reads really overlap the winner's write at least once.
      for (int round = 0; round < 10; round++) {
        String name = "file-" + round;
        Resource first = granted("alice", name);
        // A release (TTL 0) leaves the lease expired at once: free for whoever comes first.
        backend.renew(new RenewCommand("alice", first.handleId(), 0, Map.of()));
        CountDownLatch start = new CountDownLatch(1);
        List<Future<AcquireAnswer>> answers = new ArrayList<>();
        for (int i = 0; i < racers; i++) {
          String owner = "racer-" + i;
          answers.add(
              threads.submit(
                  () -> {
                    start.await();
                    return acquire(owner, name);
                  }));
        }
        start.countDown();
        List<AcquireAnswer> held = new ArrayList<>();
        Resource winner = null;
        for (Future<AcquireAnswer> answer : answers) {
          AcquireAnswer got = answer.get();
          if (got.outcome() == Outcome.GRANTED) {
            assertThat(winner).as("a second grant in round %d", round).isNull();
            winner = got.resource();
          } else {
            assertThat(got.outcome()).isEqualTo(Outcome.HELD);
            held.add(got);
          }
        }
        assertThat(winner).isNotNull();
        for (AcquireAnswer loser : held) {
          assertThat(loser.resource().owner()).isEqualTo(winner.owner());
          assertThat(loser.resource().numAcquired()).isEqualTo(winner.numAcquired());
          assertThat(loser.resource().expiresAtMillis()).isEqualTo(winner.expiresAtMillis());
        }
      }
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void fencingTokensStrictlyIncreaseOverManyGrants() {
    long previous = 0;
    for (int i = 0; i < 5; i++) {
      Resource grant = granted("worker-" + i, "file-1");
      assertThat(grant.numAcquired()).isGreaterThan(previous);
      previous = grant.numAcquired();
      backend.renew(new RenewCommand("worker-" + i, grant.handleId(), 0, Map.of()));
    }
    assertThat(previous).isEqualTo(5);
  }

  @Test
  void anExpiredButNotSupersededGrantMayStillRenewAndFinish() {
    Resource grant = acquire("alice", "file-1", 1, Map.of()).resource();
    backend.renew(new RenewCommand("alice", grant.handleId(), 0, Map.of()));

    backend.renew(new RenewCommand("alice", grant.handleId(), 60, Map.of()));

    assertThat(acquire("bob", "file-1").outcome()).isEqualTo(Outcome.HELD);
  }

  @Test
  void renewExtendsTheLeaseAndMergesMetadata() {
    Resource grant = acquire("alice", "file-1", 5, Map.of("a", "1", "b", "1")).resource();

    backend.renew(new RenewCommand("alice", grant.handleId(), 3600, Map.of("b", "2", "c", "2")));

    Resource held = acquire("bob", "file-1").resource();
    assertThat(held.expiresAtMillis()).isGreaterThan(grant.expiresAtMillis() + 3_000_000);
    assertThat(held.metadata())
        .containsExactlyInAnyOrderEntriesOf(Map.of("a", "1", "b", "2", "c", "2"));
  }

  @Test
  void acquireMetadataMergesOverWhatIsStored() {
    Resource first = acquire("alice", "file-1", 60, Map.of("a", "1", "b", "1")).resource();
    backend.renew(new RenewCommand("alice", first.handleId(), 0, Map.of()));

    Resource second = acquire("bob", "file-1", 60, Map.of("b", "2", "c", "2")).resource();

    assertThat(second.metadata())
        .containsExactlyInAnyOrderEntriesOf(Map.of("a", "1", "b", "2", "c", "2"));
  }

  @Test
  void doneMarksTheResourceAndMergesMetadata() {
    Resource grant = acquire("alice", "file-1", 60, Map.of("a", "1")).resource();
    long before = System.currentTimeMillis();

    backend.done(new DoneCommand("alice", grant.handleId(), Map.of("result", "s3://out/1")));

    AcquireAnswer after = acquire("bob", "file-1");
    assertThat(after.outcome()).isEqualTo(Outcome.DONE);
    assertThat(after.resource().doneAtMillis())
        .isBetween(before - 5_000, System.currentTimeMillis() + 5_000);
    assertThat(after.resource().metadata())
        .containsExactlyInAnyOrderEntriesOf(Map.of("a", "1", "result", "s3://out/1"));
  }

  @Test
  void aDoneResourceIsNeverGrantedAgainNotEvenAfterItsLeaseWouldHaveExpired() {
    Resource grant = acquire("alice", "file-1", 1, Map.of()).resource();
    backend.done(new DoneCommand("alice", grant.handleId(), Map.of()));

    assertRefused(
        () -> backend.renew(new RenewCommand("alice", grant.handleId(), 0, Map.of())), Reason.DONE);
    assertRefused(
        () -> backend.done(new DoneCommand("alice", grant.handleId(), Map.of())), Reason.DONE);
    // Past the 1 s lease, the answer stays DONE for everyone.
    await()
        .during(Duration.ofMillis(1_500))
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> acquire("bob", "file-1").outcome() == Outcome.DONE);
    assertThat(acquire("alice", "file-1").resource().numAcquired()).isEqualTo(1);
  }

  @Test
  void anotherOwnerCannotRenewOrFinishSomeoneElsesGrant() {
    Resource grant = granted("alice", "file-1");

    assertRefused(
        () -> backend.renew(new RenewCommand("mallory", grant.handleId(), 60, Map.of())),
        Reason.NOT_OWNER);
    assertRefused(
        () -> backend.done(new DoneCommand("mallory", grant.handleId(), Map.of())),
        Reason.NOT_OWNER);
    assertThat(acquire("bob", "file-1").resource().doneAtMillis()).isZero();
  }

  private AcquireAnswer acquireAs(String holder, String owner, String name) {
    return backend.acquire(new AcquireCommand(owner, ns, name, 60, Map.of()).withHolder(holder));
  }

  @Test
  void aGrantRecordsItsHolderAndShowsItWhereverTheResourceIsSeen() {
    Resource grant = acquireAs("id-alice", "alice", "file-1").resource();
    ClaimAnswer claimed =
        backend.claim(
            new ClaimCommand("alice", ns, List.of("file-2"), 1, 60, Map.of())
                .withHolder("id-alice"));

    assertThat(grant.holder()).isEqualTo("id-alice");
    assertThat(claimed.granted()).extracting(Resource::holder).containsExactly("id-alice");
    assertThat(acquireAs("id-bob", "bob", "file-1").resource().holder()).isEqualTo("id-alice");
    assertThat(listAll(new ListQuery(ns, ListQuery.StateFilter.ALL, Map.of(), 0)))
        .extracting(Resource::holder)
        .containsOnly("id-alice");
    assertThat(granted("alice", "file-3").holder()).as("granted with authentication off").isEmpty();
  }

  @Test
  void anotherHolderCannotRenewOrFinishAGrantWhateverOwnerItSends() {
    Resource grant = acquireAs("id-alice", "alice", "file-1").resource();

    assertRefused(
        () ->
            backend.renew(
                new RenewCommand("alice", grant.handleId(), 60, Map.of()).withHolder("id-bob")),
        Reason.NOT_HOLDER);
    assertRefused(
        () ->
            backend.done(new DoneCommand("alice", grant.handleId(), Map.of()).withHolder("id-bob")),
        Reason.NOT_HOLDER);
    assertThatThrownBy(
            () ->
                backend
                    .doneAsync(
                        new DoneCommand("alice", grant.handleId(), Map.of()).withHolder("id-bob"))
                    .join())
        .hasCauseInstanceOf(LeaseRejectedException.class)
        .satisfies(
            e ->
                assertThat(((LeaseRejectedException) e.getCause()).reason())
                    .isEqualTo(Reason.NOT_HOLDER));
    assertThat(acquire("bob", "file-1").resource().doneAtMillis()).isZero();

    backend.renew(new RenewCommand("alice", grant.handleId(), 60, Map.of()).withHolder("id-alice"));
    backend
        .doneAsync(new DoneCommand("alice", grant.handleId(), Map.of()).withHolder("id-alice"))
        .join();
    assertThat(acquire("bob", "file-1").outcome()).isEqualTo(Outcome.DONE);
  }

  @Test
  void theHolderIsCheckedBeforeTheOwnerSoAStrangerLearnsNothingOfTheOwner() {
    Resource grant = acquireAs("id-alice", "alice", "file-1").resource();

    assertRefused(
        () ->
            backend.renew(
                new RenewCommand("mallory", grant.handleId(), 60, Map.of()).withHolder("id-bob")),
        Reason.NOT_HOLDER);
    assertRefused(
        () ->
            backend.renew(
                new RenewCommand("mallory", grant.handleId(), 60, Map.of()).withHolder("id-alice")),
        Reason.NOT_OWNER);
  }

  @Test
  void withAuthenticationOffTheHolderIsNotCheckedAsBeforeHoldersExisted() {
    Resource grant = acquireAs("id-alice", "alice", "file-1").resource();

    backend.renew(new RenewCommand("alice", grant.handleId(), 60, Map.of()));
    backend.done(new DoneCommand("alice", grant.handleId(), Map.of()));

    assertThat(acquire("bob", "file-1").outcome()).isEqualTo(Outcome.DONE);
  }

  @Test
  void aGrantTakenOverAfterItsLeaseEndsBelongsToTheNewHolderOnly() {
    Resource first = acquireAs("id-alice", "worker", "file-1").resource();
    backend.renew(new RenewCommand("worker", first.handleId(), 0, Map.of()).withHolder("id-alice"));

    Resource second =
        backend
            .acquireAsync(
                new AcquireCommand("worker", ns, "file-1", 60, Map.of()).withHolder("id-bob"))
            .join()
            .resource();

    assertThat(second.holder()).isEqualTo("id-bob");
    assertRefused(
        () ->
            backend.renew(
                new RenewCommand("worker", second.handleId(), 60, Map.of()).withHolder("id-alice")),
        Reason.NOT_HOLDER);
    backend.done(new DoneCommand("worker", second.handleId(), Map.of()).withHolder("id-bob"));
  }

  @Test
  void listReturnsOnlyNamespacesInItsScopeWhateverThePrefix() {
    for (String namespace : List.of(ns + "-a", ns + "-a/x", ns + "-b", ns + "-c")) {
      backend.acquire(new AcquireCommand("alice", namespace, "r", 60, Map.of()));
    }
    NamespaceScope scope = NamespaceScope.of(Set.of(ns + "-b"), Set.of(ns + "-a"));
    ListQuery everything = new ListQuery(ns, ListQuery.StateFilter.ALL, Map.of(), 0);

    assertThat(listAll(everything.within(scope)))
        .extracting(Resource::namespace)
        .containsExactlyInAnyOrder(ns + "-a", ns + "-a/x", ns + "-b");
    assertThat(
            listAll(
                new ListQuery(ns + "-a/", ListQuery.StateFilter.ALL, Map.of(), 0).within(scope)))
        .extracting(Resource::namespace)
        .containsExactly(ns + "-a/x");
    assertThat(
            listAll(new ListQuery(ns + "-c", ListQuery.StateFilter.ALL, Map.of(), 0).within(scope)))
        .isEmpty();
    assertThat(listAll(everything.within(NamespaceScope.of(Set.of(), Set.of())))).isEmpty();
    assertThat(listAll(everything.within(NamespaceScope.EVERYTHING))).hasSize(4);
  }

  @Test
  void handlesThatWereNeverIssuedAreUnknown() {
    Resource grant = granted("alice", "file-1");
    GrantRef issued = handleKey().open(grant.handleId());
    HandleId wrongNonce =
        handleKey().seal(new GrantRef(issued.resourceId(), 1, issued.nonce() + 1));
    HandleId futureGrant = handleKey().seal(new GrantRef(issued.resourceId(), 7, issued.nonce()));
    HandleId noSuchResource = handleKey().seal(new GrantRef(Long.MAX_VALUE, 1, 42));

    for (HandleId handle : List.of(wrongNonce, futureGrant, noSuchResource)) {
      assertRefused(
          () -> backend.renew(new RenewCommand("alice", handle, 60, Map.of())),
          Reason.UNKNOWN_HANDLE);
      assertRefused(
          () -> backend.done(new DoneCommand("alice", handle, Map.of())), Reason.UNKNOWN_HANDLE);
    }
  }

  @Test
  void aHandleIdWithAnyOneBitFlippedIsUnknownAndChangesNothing() {
    Resource grant = granted("alice", "file-1", 60, Map.of("k", "v"));
    byte[] genuine = grant.handleId().toBytes();

    for (int bit = 0; bit < HandleId.LENGTH * 8; bit++) {
      byte[] altered = genuine.clone();
      altered[bit / 8] ^= (byte) (1 << (bit % 8));
      assertForeignIdRefused(HandleId.fromBytes("handle_id", altered));
    }

    assertUntouched(grant, "file-1");
  }

  @Test
  void randomHandleIdsAreUnknownAndChangeNothing() {
    Resource grant = granted("alice", "file-1", 60, Map.of("k", "v"));
    java.util.Random random = new java.util.Random(ns.hashCode());

    for (int i = 0; i < 100; i++) {
      assertForeignIdRefused(new HandleId(random.nextLong(), random.nextLong()));
    }

    assertUntouched(grant, "file-1");
  }

  @Test
  void handleIdsOfAnotherStoreAreUnknownThere() {
    Resource here = granted("alice", "file-1", 60, Map.of("k", "v"));
    try (Backend other = openOtherStore()) {
      Resource there =
          other.acquire(new AcquireCommand("alice", ns, "file-1", 60, Map.of("k", "v"))).resource();

      assertForeignIdRefused(there.handleId());
      assertRefused(
          () -> other.done(new DoneCommand("alice", here.handleId(), Map.of())),
          Reason.UNKNOWN_HANDLE);
      other.done(new DoneCommand("alice", there.handleId(), Map.of()));
    }
    assertUntouched(here, "file-1");
  }

  @Test
  void replicasOfOneStoreAcceptEachOthersHandleIds() {
    Backend replica = openReplica();
    org.junit.jupiter.api.Assumptions.assumeTrue(replica != null, "this store has no replicas");
    try (replica) {
      Resource mine = granted("alice", "file-1");
      replica.renew(new RenewCommand("alice", mine.handleId(), 60, Map.of("by", "replica")));
      replica.done(new DoneCommand("alice", mine.handleId(), Map.of()));

      Resource theirs =
          replica.acquire(new AcquireCommand("alice", ns, "file-2", 60, Map.of())).resource();
      backend.renew(new RenewCommand("alice", theirs.handleId(), 60, Map.of()));
      backend.done(new DoneCommand("alice", theirs.handleId(), Map.of()));
    }
    assertThat(acquire("bob", "file-1").outcome()).isEqualTo(Outcome.DONE);
    assertThat(acquire("bob", "file-1").resource().metadata()).containsEntry("by", "replica");
    assertThat(acquire("bob", "file-2").outcome()).isEqualTo(Outcome.DONE);
  }

  /** Renew (release, with metadata) and Done through {@code handle} are both UNKNOWN_HANDLE. */
  private void assertForeignIdRefused(HandleId handle) {
    assertRefused(
        () -> backend.renew(new RenewCommand("alice", handle, 0, Map.of("k", "forged"))),
        Reason.UNKNOWN_HANDLE);
    assertRefused(
        () -> backend.done(new DoneCommand("alice", handle, Map.of("k", "forged"))),
        Reason.UNKNOWN_HANDLE);
  }

  /** {@code grant} is still current, held, not done, with its lease and metadata as granted. */
  private void assertUntouched(Resource grant, String name) {
    AcquireAnswer now = acquire("bob", name);
    assertThat(now.outcome()).isEqualTo(Outcome.HELD);
    assertThat(now.resource().expiresAtMillis()).isEqualTo(grant.expiresAtMillis());
    assertThat(now.resource().metadata()).isEqualTo(grant.metadata());
    assertThat(now.resource().handleId()).isEqualTo(grant.handleId());
    backend.done(new DoneCommand(grant.owner(), grant.handleId(), Map.of()));
  }

  @Test
  void theSameNameInTwoNamespacesIsTwoResources() {
    Resource here = granted("alice", "shared");
    AcquireAnswer elsewhere =
        backend.acquire(new AcquireCommand("bob", ns + "-other", "shared", 60, Map.of()));

    assertThat(elsewhere.outcome()).isEqualTo(Outcome.GRANTED);
    assertThat(handleKey().open(elsewhere.resource().handleId()).resourceId())
        .isNotEqualTo(handleKey().open(here.handleId()).resourceId());
  }

  @Test
  void namesAreStoredVerbatim() {
    List<String> names =
        List.of(
            "Grüße/日本語/emoji-🚀",
            "it's \"quoted\"",
            "'; DROP TABLE accord_resource; --",
            "back\\slash and 100% _under_",
            " leading and trailing spaces ",
            "tab\tand\nnewline",
            "x".repeat(InputLimits.MAX_NAME_CHARS),
            "🚀".repeat(InputLimits.MAX_NAME_CHARS));
    for (String name : names) {
      assertThat(acquire("alice", name).outcome()).as(name).isEqualTo(Outcome.GRANTED);
    }

    List<Resource> listed = listAll(new ListQuery(ns, ListQuery.StateFilter.ALL, Map.of(), 0));

    assertThat(names(listed)).containsExactlyInAnyOrderElementsOf(names);
    for (String name : names) {
      assertThat(acquire("bob", name).outcome()).as(name).isEqualTo(Outcome.HELD);
    }
  }

  @Test
  void listReturnsNewestFirstAndPagesWithoutGapsOrRepeats() {
    for (int i = 1; i <= 7; i++) {
      granted("alice", "file-" + i);
    }

    List<Resource> paged = listAll(new ListQuery(ns, ListQuery.StateFilter.ALL, Map.of(), 0));
    List<Resource> onePage =
        backend.list(new ListQuery(ns, ListQuery.StateFilter.ALL, Map.of(), 0), null, 100);

    assertThat(names(paged))
        .containsExactly("file-7", "file-6", "file-5", "file-4", "file-3", "file-2", "file-1");
    assertThat(names(onePage)).isEqualTo(names(paged));
  }

  @Test
  void listSkipsOffsetMatches() {
    for (int i = 1; i <= 5; i++) {
      granted("alice", "file-" + i);
    }

    assertThat(names(listAll(new ListQuery(ns, ListQuery.StateFilter.ALL, Map.of(), 2))))
        .containsExactly("file-3", "file-2", "file-1");
    assertThat(listAll(new ListQuery(ns, ListQuery.StateFilter.ALL, Map.of(), 5))).isEmpty();
  }

  @Test
  void listFiltersByState() {
    Resource done = granted("alice", "done-1");
    backend.done(new DoneCommand("alice", done.handleId(), Map.of()));
    granted("alice", "pending-1");

    assertThat(names(listAll(new ListQuery(ns, ListQuery.StateFilter.DONE, Map.of(), 0))))
        .containsExactly("done-1");
    assertThat(names(listAll(new ListQuery(ns, ListQuery.StateFilter.PENDING, Map.of(), 0))))
        .containsExactly("pending-1");
    assertThat(names(listAll(new ListQuery(ns, ListQuery.StateFilter.ALL, Map.of(), 0))))
        .containsExactly("pending-1", "done-1");
  }

  @Test
  void listFiltersByMetadataContainment() {
    acquire("alice", "red-big", 60, Map.of("color", "red", "size", "big"));
    acquire("alice", "red-small", 60, Map.of("color", "red", "size", "small"));
    acquire("alice", "blue", 60, Map.of("color", "blue"));

    assertThat(
            names(listAll(new ListQuery(ns, ListQuery.StateFilter.ALL, Map.of("color", "red"), 0))))
        .containsExactly("red-small", "red-big");
    assertThat(
            names(
                listAll(
                    new ListQuery(
                        ns, ListQuery.StateFilter.ALL, Map.of("color", "red", "size", "big"), 0))))
        .containsExactly("red-big");
    assertThat(listAll(new ListQuery(ns, ListQuery.StateFilter.ALL, Map.of("color", "green"), 0)))
        .isEmpty();
  }

  @Test
  void listPrefixIsLiteralWithNoWildcards() {
    String[] spaces = {"%", "_", "\\", "a%", "a_b", "axb", "a\\b", "abc"};
    for (String space : spaces) {
      backend.acquire(new AcquireCommand("alice", ns + space, "r", 60, Map.of()));
    }

    assertThat(namespacesListed(ns + "%")).containsExactly(ns + "%");
    assertThat(namespacesListed(ns + "_")).containsExactly(ns + "_");
    assertThat(namespacesListed(ns + "\\")).containsExactly(ns + "\\");
    assertThat(namespacesListed(ns + "a_")).containsExactly(ns + "a_b");
    assertThat(namespacesListed(ns + "a%")).containsExactly(ns + "a%");
    assertThat(namespacesListed(ns + "a"))
        .containsExactlyInAnyOrder(ns + "a%", ns + "a_b", ns + "axb", ns + "a\\b", ns + "abc");
    assertThat(namespacesListed(ns)).hasSize(spaces.length);
  }

  private List<String> namespacesListed(String prefix) {
    return listAll(new ListQuery(prefix, ListQuery.StateFilter.ALL, Map.of(), 0)).stream()
        .map(Resource::namespace)
        .toList();
  }

  @Test
  void racingWorkersGetExactlyOneGrantPerName() throws Exception {
    int threads = 32;
    int names = 1_000;
    ConcurrentHashMap<String, AtomicInteger> grants = new ConcurrentHashMap<>();
    AtomicInteger held = new AtomicInteger();
    race(
        threads,
        t -> {
          String owner = "worker-" + t;
          int offset = t * 31;
          for (int i = 0; i < names; i++) {
            String name = "file-" + ((offset + i) % names);
            AcquireAnswer result = acquire(owner, name);
            switch (result.outcome()) {
              case GRANTED ->
                  grants.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
              case HELD -> held.incrementAndGet();
              case DONE ->
                  throw new AssertionError("nothing was marked done, yet " + name + " is DONE");
            }
          }
        });

    assertThat(grants).hasSize(names);
    assertThat(grants.values()).allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
    assertThat(held.get()).isEqualTo(threads * names - names);
    Map<String, Long> tokens = new HashMap<>();
    for (Resource resource : listAll(new ListQuery(ns, ListQuery.StateFilter.ALL, Map.of(), 0))) {
      tokens.put(resource.name(), resource.numAcquired());
    }
    assertThat(tokens).hasSize(names).allSatisfy((name, token) -> assertThat(token).isEqualTo(1));
  }

  protected ClaimAnswer claim(String owner, int max, String... names) {
    return claim(owner, max, 60, List.of(names));
  }

  protected ClaimAnswer claim(String owner, int max, int ttl, List<String> names) {
    return backend.claim(new ClaimCommand(owner, ns, names, max, ttl, Map.of("via", "claim")));
  }

  private static List<String> grantedNames(ClaimAnswer result) {
    return result.granted().stream().map(Resource::name).toList();
  }

  @Test
  void claimGrantsUpToMaxOfTheFreeCandidatesInTheGivenOrderEachAsItsOwnGrant() {
    ClaimAnswer result = claim("alice", 2, "c", "a", "b");

    assertThat(grantedNames(result)).containsExactly("c", "a");
    assertThat(result.done()).isEmpty();
    assertThat(result.held()).isEmpty();
    assertThat(result.granted())
        .allSatisfy(
            grant -> {
              assertThat(grant.owner()).isEqualTo("alice");
              assertThat(grant.numAcquired()).isEqualTo(1);
              assertThat(grant.metadata()).containsEntry("via", "claim");
            });
    assertThat(result.granted().get(0).handleId()).isNotEqualTo(result.granted().get(1).handleId());
    // Each grant is a lease like any other: held for others, renewable and finishable through its
    // own handle.
    assertThat(acquire("bob", "c").outcome()).isEqualTo(Outcome.HELD);
    assertThat(acquire("bob", "b").outcome()).isEqualTo(Outcome.GRANTED);
    backend.renew(new RenewCommand("alice", result.granted().get(0).handleId(), 60, Map.of()));
    backend.done(new DoneCommand("alice", result.granted().get(1).handleId(), Map.of()));
    assertThat(acquire("bob", "a").outcome()).isEqualTo(Outcome.DONE);
  }

  @Test
  void claimSkipsDoneAndHeldCandidatesAndSaysWhichTheyAre() {
    markDone(ns, "done-1");
    granted("bob", "held-1");

    ClaimAnswer result = claim("alice", 5, "done-1", "held-1", "free-1", "free-1", "free-2");

    assertThat(grantedNames(result)).containsExactly("free-1", "free-2");
    assertThat(result.done()).containsExactly("done-1");
    assertThat(result.held()).containsExactly("held-1");
  }

  @Test
  void claimLeavesUnmentionedTheFreeCandidatesPastMax() {
    markDone(ns, "done-9");

    ClaimAnswer result = claim("alice", 1, "free-1", "free-2", "done-9");

    assertThat(grantedNames(result)).containsExactly("free-1");
    assertThat(result.done()).containsExactly("done-9");
    assertThat(result.held()).isEmpty();
    assertThat(acquire("bob", "free-2").outcome())
        .as("free-2 was not taken")
        .isEqualTo(Outcome.GRANTED);
  }

  @Test
  void claimTakesOverAnExpiredLeaseWithAHigherFencingTokenAndTheOldHandleIsSuperseded() {
    Resource first = acquire("bob", "file-1", 1, Map.of()).resource();

    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> !claim("alice", 1, "file-1").granted().isEmpty());

    AcquireAnswer now = acquire("carol", "file-1");
    assertThat(now.outcome()).isEqualTo(Outcome.HELD);
    assertThat(now.resource().owner()).isEqualTo("alice");
    assertThat(now.resource().numAcquired()).isEqualTo(2);
    assertRefused(
        () -> backend.done(new DoneCommand("bob", first.handleId(), Map.of())), Reason.SUPERSEDED);
  }

  @Test
  void racingClaimsAndAcquiresGrantEachNameExactlyOnce() throws Exception {
    int threads = 16;
    int names = 600;
    List<String> all = new ArrayList<>();
    for (int i = 0; i < names; i++) {
      all.add("file-" + i);
    }
    ConcurrentHashMap<String, AtomicInteger> grants = new ConcurrentHashMap<>();
    race(
        threads,
        t -> {
          String owner = "worker-" + t;
          boolean claims = t % 4 != 0;
          int offset = t * 37;
          List<String> mine = new ArrayList<>(all.subList(offset % names, names));
          mine.addAll(all.subList(0, offset % names));
          for (int from = 0; from < names; from += 100) {
            List<String> slice = mine.subList(from, Math.min(names, from + 100));
            List<Resource> taken =
                claims
                    ? claim(owner, 7, 60, slice).granted()
                    : slice.stream()
                        .map(name -> acquire(owner, name))
                        .filter(r -> r.outcome() == Outcome.GRANTED)
                        .map(AcquireAnswer::resource)
                        .limit(7)
                        .toList();
            for (Resource grant : taken) {
              grants.computeIfAbsent(grant.name(), n -> new AtomicInteger()).incrementAndGet();
              backend.done(new DoneCommand(owner, grant.handleId(), Map.of()));
            }
          }
        });

    assertThat(grants.values()).allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
    // Whatever was granted is done; nothing done was granted twice; every name is either done or
    // never granted.
    List<Resource> stored = listAll(new ListQuery(ns, ListQuery.StateFilter.DONE, Map.of(), 0));
    assertThat(stored)
        .extracting(Resource::name)
        .containsExactlyInAnyOrderElementsOf(grants.keySet());
    assertThat(stored).allSatisfy(resource -> assertThat(resource.numAcquired()).isEqualTo(1));
    ClaimAnswer rest = claim("sweeper", 1000, 60, all);
    assertThat(rest.done()).hasSize(grants.size());
    assertThat(rest.granted().size() + rest.done().size()).isEqualTo(names);
  }

  /**
   * Runs {@code worker} for threads 0 to {@code threads - 1} at once; returns when all have,
   * rethrowing a failure.
   */
  protected static void race(int threads, IntConsumer worker) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        workers.add(
            pool.submit(
                () -> {
                  start.await();
                  worker.accept(thread);
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> running : workers) {
        running.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  protected void markDone(String namespace, String name) {
    Resource grant =
        backend.acquire(new AcquireCommand("marker", namespace, name, 60, Map.of())).resource();
    backend.done(new DoneCommand("marker", grant.handleId(), Map.of()));
  }

  /**
   * Follows the done stream of {@code namespace} from {@code cursor} until nothing is pending;
   * returns the cursor.
   */
  protected DoneCursor follow(String namespace, DoneCursor cursor, int limit, List<String> into) {
    DonePage page;
    do {
      page = backend.donesAfter(namespace, cursor, limit);
      into.addAll(page.names());
      cursor = page.next();
    } while (page.morePending());
    return cursor;
  }

  @Test
  void theDoneStreamDeliversMarksAfterItsCursorInOrderAndOnlyOnce() {
    markDone(ns, "before");
    DoneCursor start = backend.currentDoneCursor();
    for (int i = 1; i <= 5; i++) {
      markDone(ns, "after-" + i);
    }
    markDone(ns + "-other", "elsewhere");
    List<String> seen = new ArrayList<>();

    DoneCursor end = follow(ns, start, 2, seen);
    DonePage again = backend.donesAfter(ns, end, 2);

    assertThat(seen).containsExactly("after-1", "after-2", "after-3", "after-4", "after-5");
    assertThat(again.names()).isEmpty();
    markDone(ns, "later");
    assertThat(follow(ns, again.next(), 10, new ArrayList<>())).isNotNull();
    List<String> later = new ArrayList<>();
    follow(ns, end, 10, later);
    assertThat(later).containsExactly("later");
  }

  @Test
  void theDoneStreamFromTheFirstCursorHoldsEveryMarkOfTheNamespaceInOrder() {
    markDone(ns, "first");
    markDone(ns + "-other", "elsewhere");
    markDone(ns, "second");
    List<String> seen = new ArrayList<>();

    DoneCursor end = follow(ns, backend.firstDoneCursor(), 1, seen);

    assertThat(seen).containsExactly("first", "second");
    markDone(ns, "third");
    List<String> later = new ArrayList<>();
    follow(ns, end, 10, later);
    assertThat(later).containsExactly("third");
  }

  @Test
  void aCursorFromAnotherStoreIsRefusedSoTheClientListsAgain() {
    DoneCursor foreign = new DoneCursor(java.util.UUID.randomUUID(), 1, 0);

    assertThatThrownBy(() -> backend.donesAfter(ns, foreign, 10))
        .isInstanceOf(CursorExpiredException.class);
  }

  @Test
  void aCursorAheadOfTheStoreIsRefusedSoTheClientListsAgain() {
    markDone(ns, "first");
    DoneCursor now = backend.currentDoneCursor();
    // What a primary lost in a failover to an asynchronous standby had issued.
    DoneCursor ahead = new DoneCursor(now.store(), now.position() + 1_000, 0);

    assertThatThrownBy(() -> backend.donesAfter(ns, ahead, 10))
        .isInstanceOf(CursorExpiredException.class)
        .hasMessageContaining("ahead of this");
    assertThat(backend.donesAfter(ns, now, 10).names()).isEmpty();
  }

  @Test
  void subscribersHearOfDoneMarksInTheirNamespace() throws Exception {
    List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (AutoCloseable subscription = backend.subscribeDone(heard::add)) {
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                markDone(ns, "file-" + System.nanoTime());
                assertThat(heard).contains(ns);
              });
    }
  }

  @Test
  void aReaderFollowingConcurrentDoneMarksGetsEachExactlyOnce() throws Exception {
    int threads = 8;
    int perThread = 50;
    DoneCursor cursor = backend.currentDoneCursor();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<String> seen = new ArrayList<>();
    try {
      List<Future<?>> writers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        writers.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perThread; i++) {
                    markDone(ns, "t" + thread + "-" + i);
                  }
                  return null;
                }));
      }
      while (!writers.stream().allMatch(Future::isDone)) {
        DonePage page = backend.donesAfter(ns, cursor, 7);
        seen.addAll(page.names());
        cursor = page.next();
      }
      for (Future<?> writer : writers) {
        writer.get();
      }
    } finally {
      pool.shutdownNow();
    }
    DoneCursor last = cursor;
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              follow(ns, last, 7, seen);
              return seen.size() >= threads * perThread;
            });

    assertThat(seen).hasSize(threads * perThread).doesNotHaveDuplicates();
  }

  private static void assertRefused(Runnable call, Reason reason) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            LeaseRejectedException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }
}
