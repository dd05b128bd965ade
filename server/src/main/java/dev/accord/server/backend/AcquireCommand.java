package dev.accord.server.backend;

import dev.accord.api.InputLimits;
import java.util.Map;

/**
 * Asks for a lease on (namespace, name); a valid instance has passed every input rule.
 *
 * <p>{@code holder} is the authenticated caller's name, or empty when authentication is off (the
 * {@link #withHolder} copy sets it).
 */
public record AcquireCommand(
    String owner,
    String namespace,
    String name,
    int ttlSeconds,
    Map<String, String> metadata,
    String holder) {
  public AcquireCommand {
    holder = holder == null ? "" : holder;
    owner = InputChecks.requireNonEmpty("owner", owner, InputLimits.MAX_OWNER_CHARS);
    name = InputChecks.requireNonEmpty("name", name, InputLimits.MAX_NAME_CHARS);
    namespace = InputChecks.requireText("namespace", namespace, InputLimits.MAX_NAMESPACE_CHARS);
    InputChecks.requireTtl("ttl", ttlSeconds, InputLimits.MIN_ACQUIRE_TTL_SECONDS);
    metadata = InputChecks.requireMetadata("metadata", metadata);
  }

  /** A command with authentication off: no holder. */
  public AcquireCommand(
      String owner, String namespace, String name, int ttlSeconds, Map<String, String> metadata) {
    this(owner, namespace, name, ttlSeconds, metadata, "");
  }

  /** This command given to {@code holder} (null or empty: authentication is off). */
  public AcquireCommand withHolder(String holder) {
    return new AcquireCommand(owner, namespace, name, ttlSeconds, metadata, holder);
  }

  /**
   * Validates a TTL as it arrives on the wire (uint32, read into a long so large values stay
   * positive).
   */
  public static AcquireCommand of(
      String owner, String namespace, String name, long ttlSeconds, Map<String, String> metadata) {
    return new AcquireCommand(
        owner,
        namespace,
        name,
        InputChecks.requireTtl("ttl", ttlSeconds, InputLimits.MIN_ACQUIRE_TTL_SECONDS),
        metadata);
  }
}
