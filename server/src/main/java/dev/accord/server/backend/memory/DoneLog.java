package dev.accord.server.backend.memory;

import dev.accord.server.backend.CursorExpiredException;
import dev.accord.server.backend.DoneCursor;
import dev.accord.server.backend.DonePage;
import dev.accord.server.backend.DonePageBuilder;
import dev.accord.server.backend.DonePageBuilder.Change;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The memory store's Watch log: done marks and removals by namespace and revision. A removal drops
 * the done marks it undoes, as deleting or resetting a row does in PostgreSQL; removals are kept
 * until {@link #prune} forgets them. Revisions are handed out and read under this log's monitor.
 */
final class DoneLog {
  private record Entry(Change change, String name, long atMillis) {}

  private final UUID store;
  private final Map<String, NavigableMap<Long, Entry>> byNamespace = new HashMap<>();
  private final Map<String, Map<String, Long>> doneRevisions = new HashMap<>();
  private long revision;

  /** The latest revision of a forgotten removal: cursors before it are refused. */
  private long prunedThrough;

  DoneLog(UUID store) {
    this.store = store;
  }

  synchronized void done(String namespace, String name, long atMillis) {
    long at = ++revision;
    log(namespace).put(at, new Entry(Change.DONE, name, atMillis));
    doneRevisions.computeIfAbsent(namespace, ns -> new HashMap<>()).put(name, at);
  }

  synchronized void removed(String namespace, Collection<String> names, long atMillis) {
    Map<String, Long> done = doneRevisions.getOrDefault(namespace, Map.of());
    for (String name : names) {
      Long mark = done.remove(name);
      if (mark != null) {
        log(namespace).remove(mark);
      }
      log(namespace).put(++revision, new Entry(Change.REMOVED, name, atMillis));
    }
  }

  synchronized void removedAll(String namespace, long atMillis) {
    Map<String, Long> done = doneRevisions.remove(namespace);
    if (done != null) {
      done.values().forEach(log(namespace)::remove);
    }
    log(namespace).put(++revision, new Entry(Change.REMOVED_ALL, null, atMillis));
  }

  /** Forgets at most {@code maxRows} removals logged before {@code beforeMillis}. */
  synchronized long prune(long beforeMillis, int maxRows) {
    long pruned = 0;
    for (NavigableMap<Long, Entry> log : byNamespace.values()) {
      Iterator<Map.Entry<Long, Entry>> entries = log.entrySet().iterator();
      while (entries.hasNext() && pruned < maxRows) {
        Map.Entry<Long, Entry> entry = entries.next();
        if (entry.getValue().change() != Change.DONE
            && entry.getValue().atMillis() < beforeMillis) {
          prunedThrough = Math.max(prunedThrough, entry.getKey());
          entries.remove();
          pruned++;
        }
      }
    }
    return pruned;
  }

  /** Why a cursor past everything this store has issued is refused (see the PostgreSQL backend). */
  static final String AHEAD =
      "cursor is ahead of this store (it lost transactions, as a failover to an asynchronous"
          + " standby does): list again";

  // A revision's key is (revision, 1): the horizon cursor (revision + 1, 0) is after every entry.
  synchronized DoneCursor current() {
    return new DoneCursor(store, revision + 1, 0);
  }

  DoneCursor first() {
    return new DoneCursor(store, 0, 0);
  }

  synchronized DonePage after(
      String namespace, DoneCursor after, DoneCursor removalsAfter, int limit) {
    if (!after.store().equals(store)) {
      throw new CursorExpiredException(
          "cursor was issued by another store (this memory store started afresh): list again");
    }
    long first = after.tiebreak() == 0 ? after.position() : after.position() + 1;
    if (after.position() != 0 && first <= prunedThrough) {
      throw new CursorExpiredException(
          "cursor is older than the removals this store keeps: list again");
    }
    DoneCursor horizon = new DoneCursor(store, revision + 1, 0);
    if (after.position() > horizon.position()) {
      throw new CursorExpiredException(AHEAD);
    }
    NavigableMap<Long, Entry> log =
        byNamespace.getOrDefault(namespace, Collections.emptyNavigableMap());
    DonePageBuilder page = new DonePageBuilder();
    long last = -1;
    long firstRemoval =
        removalsAfter.tiebreak() == 0 ? removalsAfter.position() : removalsAfter.position() + 1;
    for (Map.Entry<Long, Entry> entry : log.tailMap(first, true).entrySet()) {
      if (entry.getValue().change() != Change.DONE && entry.getKey() < firstRemoval) {
        continue;
      }
      if (page.size() == limit
          || !page.add(
              entry.getValue().change(),
              entry.getValue().name(),
              new DoneCursor(store, entry.getKey(), 1))) {
        return page.build(new DoneCursor(store, last, 1), true);
      }
      last = entry.getKey();
    }
    return page.build(after.isAtOrAfter(horizon) ? after : horizon, false);
  }

  private NavigableMap<Long, Entry> log(String namespace) {
    return byNamespace.computeIfAbsent(namespace, ns -> new TreeMap<>());
  }
}
