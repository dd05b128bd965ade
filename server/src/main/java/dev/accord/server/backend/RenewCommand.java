package dev.accord.server.backend;

import dev.accord.api.InputLimits;
import java.util.Map;

/**
 * Extends (or with TTL 0 releases) the lease of a grant; a valid instance has passed every input
 * rule.
 *
 * <p>{@code holder} is the authenticated caller's name (only the grant's holder may renew it), or
 * empty when authentication is off (the {@link #withHolder} copy sets it).
 */
public record RenewCommand(
    String owner, HandleId handleId, int ttlSeconds, Map<String, String> metadata, String holder) {
  public RenewCommand {
    holder = holder == null ? "" : holder;
    owner = InputChecks.requireNonEmpty("owner", owner, InputLimits.MAX_OWNER_CHARS);
    if (handleId == null) {
      throw new InvalidArgumentException("handle_id", "must be set");
    }
    InputChecks.requireTtl("ttl", ttlSeconds, 0);
    metadata = InputChecks.requireMetadata("metadata", metadata);
  }

  /** A command with authentication off: no holder. */
  public RenewCommand(
      String owner, HandleId handleId, int ttlSeconds, Map<String, String> metadata) {
    this(owner, handleId, ttlSeconds, metadata, "");
  }

  /** This command sent by {@code holder} (null or empty: authentication is off). */
  public RenewCommand withHolder(String holder) {
    return new RenewCommand(owner, handleId, ttlSeconds, metadata, holder);
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
