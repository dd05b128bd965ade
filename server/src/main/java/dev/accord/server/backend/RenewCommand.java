package dev.accord.server.backend;

import java.util.Map;

/** Extends (or with TTL 0 releases) the lease of a grant; a valid instance has passed every input rule. */
public record RenewCommand(String owner, HandleId handleId, int ttlSeconds, Map<String, String> metadata) {
  public RenewCommand {
    owner = Limits.requireNonEmpty("owner", owner, Limits.MAX_OWNER_CHARS);
    if (handleId == null) {
      throw new InvalidArgumentException("handle_id", "must be set");
    }
    Limits.requireTtl("ttl", ttlSeconds, 0);
    metadata = Limits.requireMetadata("metadata", metadata);
  }

  /** Validates fields as they arrive on the wire. */
  public static RenewCommand of(String owner, byte[] handleId, long ttlSeconds, Map<String, String> metadata) {
    Limits.requireNonEmpty("owner", owner, Limits.MAX_OWNER_CHARS);
    return new RenewCommand(owner, HandleId.fromBytes("handle_id", handleId),
        Limits.requireTtl("ttl", ttlSeconds, 0), metadata);
  }
}
