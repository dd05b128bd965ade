package dev.accord.server.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accord.server.backend.AcquireAnswer;
import dev.accord.server.backend.AcquireCommand;
import dev.accord.server.backend.Backend;
import dev.accord.server.backend.CursorExpiredException;
import dev.accord.server.backend.DoneCommand;
import dev.accord.server.backend.DoneCursor;
import dev.accord.server.backend.DonePage;
import dev.accord.server.backend.ResetCommand;
import dev.accord.server.backend.memory.MemoryBackend;
import dev.accord.server.backend.postgres.PostgresBackend;
import dev.accord.server.testing.TestPostgres;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The sweep the server runs in the background, on each backend, with its clock moved by hand: done
 * resources past the retention period go in batches, the rest stay, removals older than the history
 * are forgotten.
 */
class RetentionSweeperTest {
  static Stream<Arguments> backends() {
    return Stream.of(
        Arguments.of("memory", (Supplier<Backend>) MemoryBackend::new),
        Arguments.of(
            "postgres",
            (Supplier<Backend>) () -> PostgresBackend.open(TestPostgres.newDatabase(4))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void deletesEveryResourceDonePastTheRetentionPeriodInBatchesAndKeepsTheRest(
      String kind, Supplier<Backend> open) {
    try (Backend backend = open.get()) {
      int done = RetentionSweeper.BATCH_ROWS + 5;
      for (int i = 0; i < done; i++) {
        finish(backend, "daily", "file-" + i);
      }
      AcquireAnswer running = grant(backend, "daily", "running");
      AtomicLong now = new AtomicLong(System.currentTimeMillis());

      // Within the period, nothing goes.
      RetentionSweeper sweeper =
          new RetentionSweeper(backend, Optional.of(Duration.ofDays(30)), now::get);
      assertThat(sweeper.sweep()).isZero();

      // Thirty-one days on: every done resource goes, over two batches; the held one stays.
      now.addAndGet(Duration.ofDays(31).toMillis());
      assertThat(sweeper.sweep()).isEqualTo(done);
      assertThat(backend.stats("daily").done()).isZero();
      assertThat(backend.stats("daily").held()).isEqualTo(1);

      // A deleted name comes back with a greater fencing token than it ever had.
      assertThat(grant(backend, "daily", "file-0").resource().numAcquired())
          .isGreaterThan(running.resource().numAcquired());
      sweeper.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void withoutRetentionNothingDoneIsDeletedButOldRemovalsAreForgotten(
      String kind, Supplier<Backend> open) {
    try (Backend backend = open.get()) {
      DoneCursor before = backend.currentDoneCursor();
      finish(backend, "reports", "a");
      backend.reset(new ResetCommand("reports", java.util.List.of("a"), false));
      finish(backend, "reports", "b");
      AtomicLong now = new AtomicLong(System.currentTimeMillis());
      RetentionSweeper sweeper = new RetentionSweeper(backend, Optional.empty(), now::get);

      assertThat(sweeper.sweep()).isZero();
      assertThat(removedAfter(backend, before)).containsExactly("a");

      now.addAndGet(RetentionSweeper.REMOVAL_HISTORY.plusDays(1).toMillis());
      assertThat(sweeper.sweep()).isZero();
      assertThat(backend.stats("reports").done()).isEqualTo(1);
      // The removal of "a" is forgotten: a cursor from before it can no longer resume.
      assertThatThrownBy(() -> backend.donesAfter("reports", before, 100))
          .isInstanceOf(CursorExpiredException.class);
      sweeper.close();
    }
  }

  /** Every removal a Watch from {@code cursor} would send, page by page. */
  private static java.util.List<String> removedAfter(Backend backend, DoneCursor cursor) {
    java.util.List<String> removed = new java.util.ArrayList<>();
    for (int page = 0; page < 10; page++) {
      DonePage next = backend.donesAfter("reports", cursor, 100);
      removed.addAll(next.removed());
      if (next.isEmpty()) {
        break;
      }
      cursor = next.next();
    }
    return removed;
  }

  private static AcquireAnswer grant(Backend backend, String namespace, String name) {
    return backend.acquire(new AcquireCommand("worker", namespace, name, 60, Map.of()));
  }

  private static void finish(Backend backend, String namespace, String name) {
    AcquireAnswer grant = grant(backend, namespace, name);
    backend.done(new DoneCommand("worker", grant.resource().handleId(), Map.of()));
  }
}
