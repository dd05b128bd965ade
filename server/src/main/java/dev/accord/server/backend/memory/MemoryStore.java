package dev.accord.server.backend.memory;

import dev.accord.server.backend.HandleKey;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * The state of a memory store, shared by {@link MemoryBackend} and {@link MemoryAdmin}.
 *
 * <p>Lock order: {@link #wholeNamespaces} (done marks take it to read, the operations on a whole
 * namespace to write, so no done mark slips between their changes and their removed-all entry),
 * then a slot's monitor, then the log's.
 */
final class MemoryStore {
  record Key(String namespace, String name) {}

  final Clock clock;
  final HandleKey handles;
  final UUID id = UUID.randomUUID();
  final AtomicLong ids = new AtomicLong();
  final DoneLog log = new DoneLog(id);
  final ReadWriteLock wholeNamespaces = new ReentrantReadWriteLock();
  final List<Consumer<String>> doneListeners = new CopyOnWriteArrayList<>();
  final ConcurrentHashMap<Key, Slot> byKey = new ConcurrentHashMap<>();
  final ConcurrentSkipListMap<Long, Slot> byId = new ConcurrentSkipListMap<>();

  /**
   * Per namespace, the greatest grant number of a resource removed from it: a name created again is
   * numbered after it, so fencing tokens never go backwards.
   */
  final ConcurrentHashMap<String, Long> grantFloors = new ConcurrentHashMap<>();

  MemoryStore(Clock clock, HandleKey handles) {
    this.clock = clock;
    this.handles = handles;
  }

  /** The slot of (namespace, name), created (not yet granted) when there is none. */
  Slot slot(String namespace, String name) {
    return byKey.computeIfAbsent(
        new Key(namespace, name),
        key -> {
          Slot created =
              new Slot(
                  ids.incrementAndGet(),
                  key.namespace(),
                  key.name(),
                  grantFloors.getOrDefault(key.namespace(), 0L));
          byId.put(created.id, created);
          return created;
        });
  }

  /**
   * Takes {@code slot} out of the store; call with its monitor held. The floor rises before the
   * slot leaves the maps, so a slot created again for its name starts above it.
   */
  void remove(Slot slot) {
    slot.removed = true;
    grantFloors.merge(slot.namespace, slot.grant, Math::max);
    byKey.remove(new Key(slot.namespace, slot.name), slot);
    byId.remove(slot.id, slot);
  }

  void notifyChanged(String namespace) {
    for (Consumer<String> listener : doneListeners) {
      listener.accept(namespace);
    }
  }
}
