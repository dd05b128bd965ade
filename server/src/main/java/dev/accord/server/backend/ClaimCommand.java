package dev.accord.server.backend;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Asks for leases on up to {@code max} of {@code names} in one namespace, each granted exactly as an
 * {@link AcquireCommand} would be. A valid instance has passed every input rule; its names hold no duplicates and keep
 * the caller's order (earlier names are granted first).
 */
public record ClaimCommand(String owner, String namespace, List<String> names, int max, int ttlSeconds,
    Map<String, String> metadata) {
  /** Candidates one claim may carry: bounds the statement, the response and the time one call takes. */
  public static final int MAX_NAMES = 1000;

  public ClaimCommand {
    owner = Limits.requireNonEmpty("owner", owner, Limits.MAX_OWNER_CHARS);
    namespace = Limits.requireText("namespace", namespace, Limits.MAX_NAMESPACE_CHARS);
    if (names == null || names.isEmpty()) {
      throw new InvalidArgumentException("names", "must hold at least one name");
    }
    if (names.size() > MAX_NAMES) {
      throw new InvalidArgumentException("names", "must hold at most " + MAX_NAMES + " names, got " + names.size());
    }
    Set<String> unique = new LinkedHashSet<>();
    for (int i = 0; i < names.size(); i++) {
      unique.add(Limits.requireNonEmpty("names[" + i + "]", names.get(i), Limits.MAX_NAME_CHARS));
    }
    names = List.copyOf(new ArrayList<>(unique));
    if (max < 1 || max > MAX_NAMES) {
      throw new InvalidArgumentException("max", "must be from 1 to " + MAX_NAMES + ", got " + max);
    }
    Limits.requireTtl("ttl", ttlSeconds, Limits.MIN_ACQUIRE_TTL_SECONDS);
    metadata = Limits.requireMetadata("metadata", metadata);
  }

  /** Validates numbers as they arrive on the wire (uint32, read into longs so large values stay positive). */
  public static ClaimCommand of(String owner, String namespace, List<String> names, long max, long ttlSeconds,
      Map<String, String> metadata) {
    if (max < 1 || max > MAX_NAMES) {
      throw new InvalidArgumentException("max", "must be from 1 to " + MAX_NAMES + ", got " + max);
    }
    return new ClaimCommand(owner, namespace, names, (int) max,
        Limits.requireTtl("ttl", ttlSeconds, Limits.MIN_ACQUIRE_TTL_SECONDS), metadata);
  }
}
