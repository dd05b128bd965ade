package dev.accord.server.backend;

import static dev.accord.api.InputLimits.MAX_CLAIM_NAMES;

import dev.accord.api.InputLimits;
import java.util.List;
import java.util.Map;

/**
 * Asks for leases on up to {@code max} of {@code names} in one namespace, each granted exactly as
 * an {@link AcquireCommand} would be. A valid instance has passed every input rule; its names hold
 * no duplicates and keep the caller's order (earlier names are granted first).
 *
 * <p>{@code holder} is the authenticated caller's name, or empty when authentication is off (the
 * {@link #withHolder} copy sets it).
 */
public record ClaimCommand(
    String owner,
    String namespace,
    List<String> names,
    int max,
    int ttlSeconds,
    Map<String, String> metadata,
    String holder) {

  public ClaimCommand {
    holder = holder == null ? "" : holder;
    owner = InputChecks.requireNonEmpty("owner", owner, InputLimits.MAX_OWNER_CHARS);
    namespace = InputChecks.requireText("namespace", namespace, InputLimits.MAX_NAMESPACE_CHARS);
    names = ResourceNames.checkNames(names);
    if (max < 1 || max > MAX_CLAIM_NAMES) {
      throw new InvalidArgumentException(
          "max", "must be from 1 to " + MAX_CLAIM_NAMES + ", got " + max);
    }
    InputChecks.requireTtl("ttl", ttlSeconds, InputLimits.MIN_ACQUIRE_TTL_SECONDS);
    metadata = InputChecks.requireMetadata("metadata", metadata);
  }

  /** A command with authentication off: no holder. */
  public ClaimCommand(
      String owner,
      String namespace,
      List<String> names,
      int max,
      int ttlSeconds,
      Map<String, String> metadata) {
    this(owner, namespace, names, max, ttlSeconds, metadata, "");
  }

  /** This command given to {@code holder} (null or empty: authentication is off). */
  public ClaimCommand withHolder(String holder) {
    return new ClaimCommand(owner, namespace, names, max, ttlSeconds, metadata, holder);
  }

  /**
   * Validates numbers as they arrive on the wire (uint32, read into longs so large values stay
   * positive).
   */
  public static ClaimCommand of(
      String owner,
      String namespace,
      List<String> names,
      long max,
      long ttlSeconds,
      Map<String, String> metadata) {
    if (max < 1 || max > MAX_CLAIM_NAMES) {
      throw new InvalidArgumentException(
          "max", "must be from 1 to " + MAX_CLAIM_NAMES + ", got " + max);
    }
    return new ClaimCommand(
        owner,
        namespace,
        names,
        (int) max,
        InputChecks.requireTtl("ttl", ttlSeconds, InputLimits.MIN_ACQUIRE_TTL_SECONDS),
        metadata);
  }
}
