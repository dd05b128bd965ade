package dev.accord.server.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accord.server.backend.AcquireAnswer.Outcome;
import dev.accord.server.backend.LeaseRejectedException.Reason;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;

/**
 * A store for the contracts of the administrative operations, one per class, each test in a
 * namespace of its own; and the steps those tests take.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AdminFixture {
  private static final AtomicInteger namespaces = new AtomicInteger();
  protected Backend backend;

  /** This test's own namespace. */
  protected String ns;

  protected abstract Backend openBackend();

  /** A backend on a store of its own, for operations that act on every namespace. */
  protected abstract Backend openOtherStore();

  /** Another backend on {@link #backend}'s store, as a second replica; null when none can be. */
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
        "admin-"
            + namespaces.incrementAndGet()
            + "-"
            + test.getTestMethod().orElseThrow().getName();
  }

  protected static Resource grant(Backend store, String namespace, String owner, String name) {
    AcquireAnswer answer = store.acquire(new AcquireCommand(owner, namespace, name, 60, Map.of()));
    assertThat(answer.outcome()).as("acquire of %s by %s", name, owner).isEqualTo(Outcome.GRANTED);
    return answer.resource();
  }

  protected Resource grant(String owner, String name) {
    return grant(backend, ns, owner, name);
  }

  /** Grants {@code name} and marks it done; returns the grant. */
  protected static Resource finish(Backend store, String namespace, String name) {
    Resource grant = grant(store, namespace, "worker", name);
    store.done(new DoneCommand("worker", grant.handleId(), Map.of()));
    return grant;
  }

  protected Resource finish(String name) {
    return finish(backend, ns, name);
  }

  /** Grants {@code name} and ends that lease at once, so the next acquire grants it again. */
  protected long grantAndLetGo(String name) {
    Resource grant = grant("worker", name);
    backend.renew(new RenewCommand("worker", grant.handleId(), 0, Map.of()));
    return grant.numAcquired();
  }

  protected static void assertRefused(ThrowingCallable call, Reason reason) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            LeaseRejectedException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }

  protected static void assertInvalid(ThrowingCallable call, String field) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            InvalidArgumentException.class, e -> assertThat(e.field()).isEqualTo(field));
  }
}
