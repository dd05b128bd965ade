package dev.accord.server.backend;

import dev.accord.api.InputLimits;
import java.util.Map;

/**
 * Extends (or with TTL 0 releases) the lease of a grant; a valid instance has passed every input
 * rule.
 */
public record RenewCommand(
    String owner, HandleId handleId, int ttlSeconds, Map<String, String> metadata) {
  public RenewCommand {
    owner = InputChecks.requireNonEmpty("owner", owner, InputLimits.MAX_OWNER_CHARS);
    if (handleId == null) {
      throw new InvalidArgumentException("handle_id", "must be set");
    }
    InputChecks.requireTtl("ttl", ttlSeconds, 0);
    metadata = InputChecks.requireMetadata("metadata", metadata);
  }

  /** Validates fields as they arrive on the wire. */
  public static RenewCommand of(
      String owner, byte[] handleId, long ttlSeconds, Map<String, String> metadata) {
    InputChecks.requireNonEmpty("owner", owner, InputLimits.MAX_OWNER_CHARS);
    return new RenewCommand(
        owner,
        HandleId.fromBytes("handle_id", handleId),
        InputChecks.requireTtl("ttl", ttlSeconds, 0),
        metadata);
  }
}
