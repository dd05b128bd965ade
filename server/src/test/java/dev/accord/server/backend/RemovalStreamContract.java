package dev.accord.server.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * How every backend's done stream carries removals: names reset or deleted arrive as removed, a
 * whole namespace reset or deleted as removed-all, in store order with the done marks, and a cursor
 * older than the removals kept is refused. Changes are written as {@code +name} (done), {@code
 * -name} (removed) and {@code *} (every name removed).
 */
public abstract class RemovalStreamContract extends AdminFixture {
  private DoneCursor cursor;

  /** The changes after {@code from} until nothing is pending, in pages of {@code limit}. */
  private List<String> changes(Backend store, String namespace, DoneCursor from, int limit) {
    return changes(store, namespace, from, from, limit);
  }

  private List<String> changes(
      Backend store, String namespace, DoneCursor from, DoneCursor removalsAfter, int limit) {
    List<String> changes = new ArrayList<>();
    DonePage page;
    cursor = from;
    do {
      page = store.donesAfter(namespace, cursor, removalsAfter, limit);
      assertThat(page.names().size() + page.removed().size() + (page.removedAll() ? 1 : 0))
          .isLessThanOrEqualTo(limit);
      changes.addAll(changesOf(page));
      cursor = page.next();
    } while (page.morePending());
    return changes;
  }

  private List<String> changesAfter(DoneCursor from) {
    return changes(backend, ns, from, 100);
  }

  /** A done cache that applies pages as a client does: removed-all, removed, then names. */
  private static Set<String> apply(List<String> changes) {
    Set<String> done = new LinkedHashSet<>();
    for (String change : changes) {
      switch (change.charAt(0)) {
        case '*' -> done.clear();
        case '-' -> done.remove(change.substring(1));
        default -> done.add(change.substring(1));
      }
    }
    return done;
  }

  @Test
  void aResetNameArrivesRemovedAfterItsDoneMarkAndBeforeItsNextOne() {
    DoneCursor start = backend.currentDoneCursor();
    finish("a");
    finish("b");
    backend.reset(ResetCommand.of(ns, List.of("a")));
    finish("a");

    assertThat(changesAfter(start)).containsExactly("+b", "-a", "+a");
    List<String> pageByPage = changes(backend, ns, start, 1);
    assertThat(pageByPage).containsExactly("+b", "-a", "+a");
  }

  @Test
  void aRemovalFollowingADoneMarkInOnePageStartsTheNextPage() {
    DoneCursor start = backend.currentDoneCursor();
    finish("a");
    DoneCursor afterA = backend.currentDoneCursor();
    finish("b");
    backend.reset(ResetCommand.of(ns, List.of("b")));

    DonePage first = backend.donesAfter(ns, afterA, 100);
    assertThat(first.names()).isEmpty();
    assertThat(first.removed()).containsExactly("b");
    assertThat(changesAfter(start)).containsExactly("+a", "-b");
  }

  @Test
  void resetAllAndDeleteAllArriveAsRemovedAllBetweenTheirNeighbours() {
    DoneCursor start = backend.currentDoneCursor();
    finish("a");
    List<String> seen = new ArrayList<>(changesAfter(start));
    backend.reset(ResetCommand.all(ns));
    finish("b");
    seen.addAll(changesAfter(cursor));
    backend.delete(new DeleteCommand(ns, 0));
    finish("c");
    seen.addAll(changesAfter(cursor));

    assertThat(seen).containsExactly("+a", "*", "+b", "*", "+c");
    assertThat(apply(changesAfter(start))).containsExactly("c");
  }

  @Test
  void deletesByDoneTimeAndRetentionArriveAsRemovedNames() {
    try (Backend store = openOtherStore()) {
      DoneCursor start = store.currentDoneCursor();
      finish(store, "n", "a");
      assertThat(changes(store, "n", start, 10)).containsExactly("+a");
      store.delete(new DeleteCommand("n", System.currentTimeMillis() + 60_000));
      assertThat(changes(store, "n", cursor, 10)).containsExactly("-a");
      finish(store, "n", "b");
      assertThat(changes(store, "n", cursor, 10)).containsExactly("+b");
      store.deleteDoneBefore(System.currentTimeMillis() + 60_000, 10);
      assertThat(changes(store, "n", cursor, 10)).containsExactly("-b");
    }
  }

  @Test
  void fromTheFirstCursorTheChangesRebuildTheNamespacesDoneNames() {
    finish("a");
    finish("b");
    finish("c");
    backend.reset(ResetCommand.of(ns, List.of("a", "c")));
    finish("c");
    finish("d");
    backend.release(new ResourceNames(ns, List.of("d")));

    assertThat(apply(changesAfter(backend.firstDoneCursor())))
        .containsExactlyInAnyOrder("b", "c", "d");
  }

  @Test
  void aStreamFromTheFirstCursorSkipsRemovalsBeforeItStartedButNotThoseAfter() {
    finish("a");
    finish("b");
    backend.reset(ResetCommand.of(ns, List.of("a")));
    backend.delete(new DeleteCommand(ns, 0));
    finish("b");
    DoneCursor started = backend.currentDoneCursor();

    assertThat(changes(backend, ns, backend.firstDoneCursor(), started, 1)).containsExactly("+b");
    backend.reset(ResetCommand.of(ns, List.of("b")));
    assertThat(changes(backend, ns, cursor, started, 1)).containsExactly("-b");
  }

  @Test
  void thePartOfAPageAfterAnyOfItsChangesIsWhatAReaderAtThatChangeReads() {
    DoneCursor start = backend.currentDoneCursor();
    finish("a");
    finish("b");
    backend.reset(ResetCommand.all(ns));
    finish("b");
    finish("e");
    backend.reset(ResetCommand.of(ns, List.of("b")));
    finish("c");
    finish("d");
    List<DonePage> pages = new ArrayList<>();
    for (DonePage page = backend.donesAfter(ns, start, 100);
        !page.isEmpty();
        page = backend.donesAfter(ns, page.next(), 100)) {
      pages.add(page);
    }
    assertThat(pages)
        .extracting(page -> page.positions().size())
        .containsExactly(2, 3); // * +e | -b +c +d: the removals drop the marks they undo

    for (int i = 0; i < pages.size(); i++) {
      DonePage page = pages.get(i);
      assertThat(page.after(start)).isEqualTo(page);
      assertThat(page.after(page.next()).isEmpty()).isTrue();
      for (DoneCursor position : page.positions()) {
        DonePage part = page.after(position);
        assertThat(part.next()).isEqualTo(page.next());
        List<String> partThenLaterPages = new ArrayList<>(changesOf(part));
        pages.subList(i + 1, pages.size()).forEach(p -> partThenLaterPages.addAll(changesOf(p)));
        assertThat(partThenLaterPages).isEqualTo(changesAfter(position));
      }
    }
  }

  private static List<String> changesOf(DonePage page) {
    List<String> changes = new ArrayList<>();
    if (page.removedAll()) {
      changes.add("*");
    }
    page.removed().forEach(name -> changes.add("-" + name));
    page.names().forEach(name -> changes.add("+" + name));
    return changes;
  }

  @Test
  void removalsPageInOrderWhenThereAreMoreThanAPage() {
    List<String> names = List.of("n1", "n2", "n3", "n4", "n5");
    names.forEach(this::finish);
    DoneCursor afterDone = backend.currentDoneCursor();
    backend.reset(ResetCommand.of(ns, names));

    assertThat(changes(backend, ns, afterDone, 2))
        .containsExactly("-n1", "-n2", "-n3", "-n4", "-n5")
        .isEqualTo(changes(backend, ns, afterDone, 100));
  }

  @Test
  void aCursorOlderThanTheRemovalsKeptIsRefusedSoTheClientListsAgain() {
    try (Backend store = openOtherStore()) {
      DoneCursor old = store.currentDoneCursor();
      finish(store, "n", "a");
      store.reset(ResetCommand.all("n"));
      DoneCursor recent = store.currentDoneCursor();

      assertThat(store.pruneRemovals(System.currentTimeMillis() + 60_000, 100)).isEqualTo(1);

      assertThatThrownBy(() -> store.donesAfter("n", old, 10))
          .isInstanceOf(CursorExpiredException.class)
          .hasMessageContaining("list again");
      assertThat(store.donesAfter("n", store.firstDoneCursor(), 10).isEmpty()).isTrue();
      assertThat(store.donesAfter("n", recent, 10).isEmpty()).isTrue();
      assertThat(store.donesAfter("n", store.currentDoneCursor(), 10).isEmpty()).isTrue();
    }
  }

  @Test
  void subscribersHearOfResetsAndDeletesInTheirNamespace() throws Exception {
    List<String> heard = new CopyOnWriteArrayList<>();
    try (AutoCloseable subscription = backend.subscribeDone(heard::add)) {
      // Until the subscription listens, a change may go unheard: reset again until one is heard.
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                finish("a");
                backend.reset(ResetCommand.of(ns, List.of("a")));
                assertThat(heard).contains(ns);
              });
      heard.clear();
      finish("b");
      await().atMost(Duration.ofSeconds(10)).until(() -> heard.contains(ns));
      heard.clear();
      backend.delete(new DeleteCommand(ns, 0));
      await().atMost(Duration.ofSeconds(10)).until(() -> heard.contains(ns));
    }
  }
}
