package dev.accord.server.backend.memory;

import dev.accord.server.backend.GrantRef;
import dev.accord.server.backend.HandleKey;
import dev.accord.server.backend.Resource;
import java.util.HashMap;
import java.util.Map;

/** One resource of the memory store; every field is read and written under the slot's monitor. */
final class Slot {
  final long id;
  final String namespace;
  final String name;
  String owner = "";
  String holder = "";

  /** Whether it has been granted: a slot is created by the acquire that grants it. */
  boolean granted;

  /** Taken out of the store by a delete: an acquire that found it looks again. */
  boolean removed;

  long grant;
  int nonce;
  long expiresAt;
  long doneAt;
  Map<String, String> metadata = Map.of();

  /**
   * @param grantFloor the namespace's token floor: the first grant is numbered after it
   */
  Slot(long id, String namespace, String name, long grantFloor) {
    this.id = id;
    this.namespace = namespace;
    this.name = name;
    this.grant = grantFloor;
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

  boolean isHeld(long now) {
    return granted && doneAt == 0 && expiresAt > now;
  }

  void mergeMetadata(Map<String, String> update) {
    if (!update.isEmpty()) {
      Map<String, String> merged = new HashMap<>(metadata);
      merged.putAll(update);
      metadata = Map.copyOf(merged);
    }
  }
}
