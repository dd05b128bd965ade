package dev.accord.server.backend.memory;

import dev.accord.server.backend.DeleteCommand;
import dev.accord.server.backend.GrantCheck;
import dev.accord.server.backend.NamespaceScope;
import dev.accord.server.backend.NamespaceStats;
import dev.accord.server.backend.ResetCommand;
import dev.accord.server.backend.Resource;
import dev.accord.server.backend.ResourceNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/** The administrative operations of the memory store: statistics, release, reset and delete. */
final class MemoryAdmin {
  private final MemoryStore store;
  private final Map<String, Long> expected = new ConcurrentHashMap<>();

  MemoryAdmin(MemoryStore store) {
    this.store = store;
  }

  NamespaceStats stats(String namespace) {
    return statsOf(namespace::equals)
        .getOrDefault(namespace, NamespaceStats.empty(namespace))
        .withExpected(expected.getOrDefault(namespace, 0L));
  }

  void expect(String namespace, long total) {
    if (total == 0) {
      expected.remove(namespace);
    } else {
      expected.put(namespace, total);
    }
  }

  List<NamespaceStats> namespaces(String prefix, NamespaceScope scope) {
    return List.copyOf(statsOf(ns -> ns.startsWith(prefix) && scope.contains(ns)).values());
  }

  private Map<String, NamespaceStats> statsOf(Predicate<String> namespaces) {
    long now = store.clock.millis();
    Map<String, long[]> counts = new TreeMap<>();
    for (Slot slot : store.byId.values()) {
      if (!namespaces.test(slot.namespace)) {
        continue;
      }
      synchronized (slot) {
        if (!slot.granted || slot.removed) {
          continue;
        }
        // done, held, pending, oldest pending, latest done
        long[] c = counts.computeIfAbsent(slot.namespace, ns -> new long[5]);
        if (slot.doneAt != 0) {
          c[0]++;
          c[4] = Math.max(c[4], slot.doneAt);
        } else if (slot.expiresAt > now) {
          c[1]++;
        } else {
          c[2]++;
          c[3] = c[3] == 0 ? slot.expiresAt : Math.min(c[3], slot.expiresAt);
        }
      }
    }
    Map<String, NamespaceStats> stats = new TreeMap<>();
    counts.forEach(
        (ns, c) ->
            stats.put(
                ns,
                new NamespaceStats(
                    ns, c[0], c[1], c[2], c[3], c[4], expected.getOrDefault(ns, 0L))));
    return stats;
  }

  Optional<Resource> get(String namespace, String name) {
    Slot slot = store.byKey.get(new MemoryStore.Key(namespace, name));
    if (slot == null) {
      return Optional.empty();
    }
    synchronized (slot) {
      return slot.granted && !slot.removed
          ? Optional.of(slot.snapshot(store.handles))
          : Optional.empty();
    }
  }

  List<String> release(ResourceNames command) {
    List<String> released = new ArrayList<>();
    for (String name : command.names()) {
      Slot slot = store.byKey.get(new MemoryStore.Key(command.namespace(), name));
      if (slot == null) {
        continue;
      }
      synchronized (slot) {
        long now = store.clock.millis();
        if (!slot.removed && slot.isHeld(now)) {
          slot.nonce = GrantCheck.ENDED_NONCE;
          slot.expiresAt = now;
          released.add(name);
        }
      }
    }
    return released;
  }

  long reset(ResetCommand command) {
    long count = 0;
    if (command.all()) {
      store.wholeNamespaces.writeLock().lock();
      try {
        for (Slot slot : slotsOf(command.namespace())) {
          synchronized (slot) {
            if (resetDone(slot)) {
              count++;
            }
          }
        }
        if (count > 0) {
          store.log.removedAll(command.namespace(), store.clock.millis());
        }
      } finally {
        store.wholeNamespaces.writeLock().unlock();
      }
    } else {
      for (String name : command.names()) {
        Slot slot = store.byKey.get(new MemoryStore.Key(command.namespace(), name));
        if (slot == null) {
          continue;
        }
        synchronized (slot) {
          if (resetDone(slot)) {
            store.log.removed(command.namespace(), List.of(name), store.clock.millis());
            count++;
          }
        }
      }
    }
    if (count > 0) {
      store.notifyChanged(command.namespace());
    }
    return count;
  }

  /** Makes {@code slot} pending if it is done; call with its monitor held. */
  private boolean resetDone(Slot slot) {
    if (slot.removed || slot.doneAt == 0) {
      return false;
    }
    slot.doneAt = 0;
    slot.nonce = GrantCheck.ENDED_NONCE;
    slot.expiresAt = store.clock.millis();
    return true;
  }

  long delete(DeleteCommand command) {
    long count = 0;
    if (command.all()) {
      store.wholeNamespaces.writeLock().lock();
      try {
        for (Slot slot : slotsOf(command.namespace())) {
          synchronized (slot) {
            if (!slot.removed) {
              store.remove(slot);
              count += slot.granted ? 1 : 0;
            }
          }
        }
        if (count > 0) {
          store.log.removedAll(command.namespace(), store.clock.millis());
        }
      } finally {
        store.wholeNamespaces.writeLock().unlock();
      }
    } else {
      for (Slot slot : slotsOf(command.namespace())) {
        count += deleteIfDoneBefore(slot, command.doneBeforeMillis()) ? 1 : 0;
      }
    }
    if (count > 0) {
      store.notifyChanged(command.namespace());
    }
    return count;
  }

  long deleteDoneBefore(long cutoffMillis, int maxRows) {
    long count = 0;
    for (Slot slot : store.byId.values()) {
      if (count == maxRows) {
        break;
      }
      if (deleteIfDoneBefore(slot, cutoffMillis)) {
        count++;
        store.notifyChanged(slot.namespace);
      }
    }
    return count;
  }

  private boolean deleteIfDoneBefore(Slot slot, long cutoffMillis) {
    synchronized (slot) {
      if (slot.removed || slot.doneAt == 0 || slot.doneAt >= cutoffMillis) {
        return false;
      }
      // Logged before the slot leaves the maps: a done of the name created again comes after it.
      store.log.removed(slot.namespace, List.of(slot.name), store.clock.millis());
      store.remove(slot);
      return true;
    }
  }

  private List<Slot> slotsOf(String namespace) {
    List<Slot> slots = new ArrayList<>();
    for (Slot slot : store.byId.values()) {
      if (slot.namespace.equals(namespace)) {
        slots.add(slot);
      }
    }
    return slots;
  }
}
