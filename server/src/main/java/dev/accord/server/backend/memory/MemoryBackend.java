package dev.accord.server.backend.memory;

import dev.accord.server.backend.AcquireAnswer;
import dev.accord.server.backend.AcquireAnswer.Outcome;
import dev.accord.server.backend.AcquireCommand;
import dev.accord.server.backend.Backend;
import dev.accord.server.backend.ClaimAnswer;
import dev.accord.server.backend.ClaimCommand;
import dev.accord.server.backend.DeleteCommand;
import dev.accord.server.backend.DoneCommand;
import dev.accord.server.backend.DoneCursor;
import dev.accord.server.backend.DonePage;
import dev.accord.server.backend.GrantCheck;
import dev.accord.server.backend.GrantRef;
import dev.accord.server.backend.HandleKey;
import dev.accord.server.backend.LeaseRejectedException;
import dev.accord.server.backend.ListQuery;
import dev.accord.server.backend.NamespaceScope;
import dev.accord.server.backend.NamespaceStats;
import dev.accord.server.backend.RenewCommand;
import dev.accord.server.backend.ResetCommand;
import dev.accord.server.backend.Resource;
import dev.accord.server.backend.ResourceNames;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Keeps everything in this process's memory, with the semantics of the PostgreSQL backend: for
 * trials, demos and tests of what sits above the backend. State is lost when the process ends, and
 * the process's clock is the lease clock, so it serves one server replica only.
 */
public final class MemoryBackend implements Backend {
  private final MemoryStore store;
  private final MemoryAdmin admin;

  public MemoryBackend() {
    this(Clock.systemUTC());
  }

  public MemoryBackend(Clock clock) {
    this(clock, HandleKey.random());
  }

  /** With the key of its handle IDs given, so a test can build IDs a client could hold. */
  public MemoryBackend(Clock clock, HandleKey handles) {
    this.store = new MemoryStore(clock, handles);
    this.admin = new MemoryAdmin(store);
  }

  @Override
  public AcquireAnswer acquire(AcquireCommand command) {
    while (true) {
      Slot slot = store.slot(command.namespace(), command.name());
      synchronized (slot) {
        if (slot.removed) {
          continue; // deleted meanwhile: the next look creates it afresh
        }
        long now = store.clock.millis();
        if (slot.doneAt != 0) {
          return new AcquireAnswer(Outcome.DONE, slot.snapshot(store.handles));
        }
        if (slot.isHeld(now)) {
          return new AcquireAnswer(Outcome.HELD, slot.snapshot(store.handles));
        }
        slot.granted = true;
        slot.grant++;
        slot.nonce = GrantCheck.newNonce();
        slot.owner = command.owner();
        slot.holder = command.holder();
        slot.expiresAt = now + command.ttlSeconds() * 1000L;
        slot.mergeMetadata(command.metadata());
        return new AcquireAnswer(Outcome.GRANTED, slot.snapshot(store.handles));
      }
    }
  }

  @Override
  public ClaimAnswer claim(ClaimCommand command) {
    List<Resource> granted = new ArrayList<>();
    List<String> done = new ArrayList<>();
    List<String> held = new ArrayList<>();
    for (String name : command.names()) {
      if (granted.size() == command.max()) {
        // Past max nothing is granted; done and held candidates are still worth telling.
        Slot slot = store.byKey.get(new MemoryStore.Key(command.namespace(), name));
        if (slot != null) {
          synchronized (slot) {
            if (slot.removed) {
              continue;
            }
            if (slot.doneAt != 0) {
              done.add(name);
            } else if (slot.isHeld(store.clock.millis())) {
              held.add(name);
            }
          }
        }
        continue;
      }
      AcquireAnswer result =
          acquire(
              new AcquireCommand(
                  command.owner(),
                  command.namespace(),
                  name,
                  command.ttlSeconds(),
                  command.metadata(),
                  command.holder()));
      switch (result.outcome()) {
        case GRANTED -> granted.add(result.resource());
        case DONE -> done.add(name);
        case HELD -> held.add(name);
      }
    }
    return new ClaimAnswer(granted, done, held);
  }

  @Override
  public void renew(RenewCommand command) {
    GrantRef handle = store.handles.open(command.handleId());
    Slot slot = lockable(handle);
    synchronized (slot) {
      check(slot, handle, command.owner(), command.holder());
      slot.expiresAt = store.clock.millis() + command.ttlSeconds() * 1000L;
      slot.mergeMetadata(command.metadata());
    }
  }

  @Override
  public void done(DoneCommand command) {
    GrantRef handle = store.handles.open(command.handleId());
    Slot slot = lockable(handle);
    store.wholeNamespaces.readLock().lock();
    try {
      synchronized (slot) {
        check(slot, handle, command.owner(), command.holder());
        slot.doneAt = store.clock.millis();
        slot.mergeMetadata(command.metadata());
        store.log.done(slot.namespace, slot.name, slot.doneAt);
      }
    } finally {
      store.wholeNamespaces.readLock().unlock();
    }
    store.notifyChanged(slot.namespace);
  }

  @Override
  public DoneCursor currentDoneCursor() {
    return store.log.current();
  }

  @Override
  public DoneCursor firstDoneCursor() {
    return store.log.first();
  }

  @Override
  public DonePage donesAfter(
      String namespace, DoneCursor after, DoneCursor removalsAfter, int limit) {
    return store.log.after(namespace, after, removalsAfter, limit);
  }

  @Override
  public AutoCloseable subscribeDone(Consumer<String> listener) {
    store.doneListeners.add(listener);
    return () -> store.doneListeners.remove(listener);
  }

  private Slot lockable(GrantRef handle) {
    Slot slot = store.byId.get(handle.resourceId());
    if (slot == null) {
      throw GrantCheck.unknown();
    }
    return slot;
  }

  private static void check(Slot slot, GrantRef handle, String owner, String holder) {
    if (slot.removed) {
      throw GrantCheck.unknown();
    }
    LeaseRejectedException refusal =
        GrantCheck.refusal(
            handle,
            owner,
            holder,
            slot.grant,
            slot.nonce,
            slot.owner,
            slot.holder,
            slot.doneAt != 0);
    if (refusal != null) {
      throw refusal;
    }
  }

  @Override
  public List<Resource> list(ListQuery query, Resource after, int limit) {
    NavigableMap<Long, Slot> older =
        after == null
            ? store.byId.descendingMap()
            : store
                .byId
                .headMap(store.handles.open(after.handleId()).resourceId(), false)
                .descendingMap();
    long toSkip = after == null ? query.offset() : 0;
    long now = store.clock.millis();
    List<Resource> page = new ArrayList<>(Math.min(limit, 1024));
    for (Slot slot : older.values()) {
      Resource resource;
      synchronized (slot) {
        if (!slot.granted || slot.removed) {
          continue; // created by an acquire that has not granted it yet, or deleted
        }
        resource = slot.snapshot(store.handles);
      }
      if (!query.matches(resource, now)) {
        continue;
      }
      if (toSkip > 0) {
        toSkip--;
        continue;
      }
      page.add(resource);
      if (page.size() == limit) {
        break;
      }
    }
    return page;
  }

  @Override
  public NamespaceStats stats(String namespace) {
    return admin.stats(namespace);
  }

  @Override
  public List<NamespaceStats> namespaces(String prefix, NamespaceScope scope) {
    return admin.namespaces(prefix, scope);
  }

  @Override
  public void expect(String namespace, long total) {
    admin.expect(namespace, total);
  }

  @Override
  public Optional<Resource> get(String namespace, String name) {
    return admin.get(namespace, name);
  }

  @Override
  public List<String> release(ResourceNames command) {
    return admin.release(command);
  }

  @Override
  public long reset(ResetCommand command) {
    return admin.reset(command);
  }

  @Override
  public long delete(DeleteCommand command) {
    return admin.delete(command);
  }

  @Override
  public long deleteDoneBefore(long cutoffMillis, int maxRows) {
    return admin.deleteDoneBefore(cutoffMillis, maxRows);
  }

  @Override
  public long pruneRemovals(long beforeMillis, int maxRows) {
    return store.log.prune(beforeMillis, maxRows);
  }

  @Override
  public void checkHealth() {
    // Memory always answers.
  }

  @Override
  public String describe() {
    return "memory (state is lost when the process stops; one replica only)";
  }

  @Override
  public void close() {
    store.byKey.clear();
    store.byId.clear();
    store.doneListeners.clear();
  }
}
