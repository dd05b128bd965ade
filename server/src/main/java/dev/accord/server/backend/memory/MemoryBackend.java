package dev.accord.server.backend.memory;

import dev.accord.server.backend.AcquireAnswer;
import dev.accord.server.backend.AcquireAnswer.Outcome;
import dev.accord.server.backend.AcquireCommand;
import dev.accord.server.backend.Backend;
import dev.accord.server.backend.ClaimAnswer;
import dev.accord.server.backend.ClaimCommand;
import dev.accord.server.backend.CursorExpiredException;
import dev.accord.server.backend.DoneCommand;
import dev.accord.server.backend.DoneCursor;
import dev.accord.server.backend.DonePage;
import dev.accord.server.backend.GrantCheck;
import dev.accord.server.backend.GrantRef;
import dev.accord.server.backend.HandleKey;
import dev.accord.server.backend.LeaseRejectedException;
import dev.accord.server.backend.ListQuery;
import dev.accord.server.backend.RenewCommand;
import dev.accord.server.backend.Resource;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Keeps everything in this process's memory, with the semantics of the PostgreSQL backend: for
 * trials, demos and tests of what sits above the backend. State is lost when the process ends, and
 * the process's clock is the lease clock, so it serves one server replica only.
 */
public final class MemoryBackend implements Backend {
  private record Key(String namespace, String name) {}

  /** One resource; every field is read and written under the slot's monitor. */
  private static final class Slot {
    final long id;
    final String namespace;
    final String name;
    String owner = "";
    String holder = "";
    long grant;
    int nonce;
    long expiresAt;
    long doneAt;
    Map<String, String> metadata = Map.of();

    Slot(long id, String namespace, String name) {
      this.id = id;
      this.namespace = namespace;
      this.name = name;
    }

    Resource snapshot(HandleKey handles) {
      return new Resource(
          handles.seal(new GrantRef(id, grant, nonce)),
          namespace,
          name,
          owner,
          expiresAt,
          doneAt,
          grant,
          metadata,
          holder);
    }

    void mergeMetadata(Map<String, String> update) {
      if (!update.isEmpty()) {
        Map<String, String> merged = new HashMap<>(metadata);
        merged.putAll(update);
        metadata = Map.copyOf(merged);
      }
    }
  }

  private final Clock clock;
  private final HandleKey handles;
  private final UUID store = UUID.randomUUID();
  private final AtomicLong ids = new AtomicLong();

  /**
   * Done marks by namespace and revision; revisions are handed out and published under the log's
   * own lock.
   */
  private final Map<String, NavigableMap<Long, String>> doneLog = new HashMap<>();

  private long revision;
  private final List<Consumer<String>> doneListeners = new CopyOnWriteArrayList<>();
  private final ConcurrentHashMap<Key, Slot> byKey = new ConcurrentHashMap<>();
  private final ConcurrentSkipListMap<Long, Slot> byId = new ConcurrentSkipListMap<>();

  public MemoryBackend() {
    this(Clock.systemUTC());
  }

  public MemoryBackend(Clock clock) {
    this(clock, HandleKey.random());
  }

  /** With the key of its handle IDs given, so a test can build IDs a client could hold. */
  public MemoryBackend(Clock clock, HandleKey handles) {
    this.clock = clock;
    this.handles = handles;
  }

  @Override
  public AcquireAnswer acquire(AcquireCommand command) {
    Slot slot =
        byKey.computeIfAbsent(
            new Key(command.namespace(), command.name()),
            key -> {
              Slot created = new Slot(ids.incrementAndGet(), key.namespace(), key.name());
              byId.put(created.id, created);
              return created;
            });
    synchronized (slot) {
      long now = clock.millis();
      if (slot.doneAt != 0) {
        return new AcquireAnswer(Outcome.DONE, slot.snapshot(handles));
      }
      if (slot.grant > 0 && slot.expiresAt > now) {
        return new AcquireAnswer(Outcome.HELD, slot.snapshot(handles));
      }
      slot.grant++;
      slot.nonce = ThreadLocalRandom.current().nextInt();
      slot.owner = command.owner();
      slot.holder = command.holder();
      slot.expiresAt = now + command.ttlSeconds() * 1000L;
      slot.mergeMetadata(command.metadata());
      return new AcquireAnswer(Outcome.GRANTED, slot.snapshot(handles));
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
        Slot slot = byKey.get(new Key(command.namespace(), name));
        if (slot != null) {
          synchronized (slot) {
            if (slot.doneAt != 0) {
              done.add(name);
            } else if (slot.grant > 0 && slot.expiresAt > clock.millis()) {
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
    GrantRef handle = handles.open(command.handleId());
    Slot slot = lockable(handle);
    synchronized (slot) {
      check(slot, handle, command.owner(), command.holder());
      slot.expiresAt = clock.millis() + command.ttlSeconds() * 1000L;
      slot.mergeMetadata(command.metadata());
    }
  }

  @Override
  public void done(DoneCommand command) {
    GrantRef handle = handles.open(command.handleId());
    Slot slot = lockable(handle);
    synchronized (slot) {
      check(slot, handle, command.owner(), command.holder());
      slot.doneAt = clock.millis();
      slot.mergeMetadata(command.metadata());
      synchronized (doneLog) {
        doneLog.computeIfAbsent(slot.namespace, ns -> new TreeMap<>()).put(++revision, slot.name);
      }
    }
    for (Consumer<String> listener : doneListeners) {
      listener.accept(slot.namespace);
    }
  }

  // A revision's key is (revision, 1): the horizon cursor (revision + 1, 0) is after every
  // published mark.
  @Override
  public DoneCursor currentDoneCursor() {
    synchronized (doneLog) {
      return new DoneCursor(store, revision + 1, 0);
    }
  }

  @Override
  public DoneCursor firstDoneCursor() {
    return new DoneCursor(store, 0, 0);
  }

  @Override
  public DonePage donesAfter(String namespace, DoneCursor after, int limit) {
    if (!after.store().equals(store)) {
      throw new CursorExpiredException(
          "cursor was issued by another store (this memory store started " + "afresh): list again");
    }
    synchronized (doneLog) {
      DoneCursor horizon = new DoneCursor(store, revision + 1, 0);
      NavigableMap<Long, String> log =
          doneLog.getOrDefault(namespace, Collections.emptyNavigableMap());
      long first = after.tiebreak() == 0 ? after.position() : after.position() + 1;
      List<String> names = new ArrayList<>();
      long last = -1;
      for (Map.Entry<Long, String> entry : log.tailMap(first, true).entrySet()) {
        if (names.size() == limit) {
          return new DonePage(names, new DoneCursor(store, last, 1), true);
        }
        names.add(entry.getValue());
        last = entry.getKey();
      }
      return new DonePage(names, after.isAtOrAfter(horizon) ? after : horizon, false);
    }
  }

  @Override
  public AutoCloseable subscribeDone(Consumer<String> listener) {
    doneListeners.add(listener);
    return () -> doneListeners.remove(listener);
  }

  private Slot lockable(GrantRef handle) {
    Slot slot = byId.get(handle.resourceId());
    if (slot == null) {
      throw GrantCheck.unknown();
    }
    return slot;
  }

  private static void check(Slot slot, GrantRef handle, String owner, String holder) {
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
            ? byId.descendingMap()
            : byId.headMap(handles.open(after.handleId()).resourceId(), false).descendingMap();
    long toSkip = after == null ? query.offset() : 0;
    List<Resource> page = new ArrayList<>(Math.min(limit, 1024));
    for (Slot slot : older.values()) {
      Resource resource;
      synchronized (slot) {
        if (slot.grant == 0) {
          continue; // created by an acquire that has not granted it yet
        }
        resource = slot.snapshot(handles);
      }
      if (!query.matches(resource)) {
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
  public void checkHealth() {
    // Memory always answers.
  }

  @Override
  public String describe() {
    return "memory (state is lost when the process stops; one replica only)";
  }

  @Override
  public void close() {
    byKey.clear();
    byId.clear();
    doneListeners.clear();
  }
}
