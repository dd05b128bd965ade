package dev.accord.server.backend;

import java.util.Map;

/** Asks for a lease on (namespace, name); a valid instance has passed every input rule. */
public record AcquireCommand(String owner, String namespace, String name, int ttlSeconds, Map<String, String> metadata) {
  public AcquireCommand {
    owner = Limits.requireNonEmpty("owner", owner, Limits.MAX_OWNER_CHARS);
    name = Limits.requireNonEmpty("name", name, Limits.MAX_NAME_CHARS);
    namespace = Limits.requireText("namespace", namespace, Limits.MAX_NAMESPACE_CHARS);
    Limits.requireTtl("ttl", ttlSeconds, Limits.MIN_ACQUIRE_TTL_SECONDS);
    metadata = Limits.requireMetadata("metadata", metadata);
  }

  /** Validates a TTL as it arrives on the wire (uint32, read into a long so large values stay positive). */
  public static AcquireCommand of(String owner, String namespace, String name, long ttlSeconds, Map<String, String> metadata) {
    return new AcquireCommand(owner, namespace, name,
        Limits.requireTtl("ttl", ttlSeconds, Limits.MIN_ACQUIRE_TTL_SECONDS), metadata);
  }
}
