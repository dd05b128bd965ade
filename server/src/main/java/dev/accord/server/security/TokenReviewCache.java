package dev.accord.server.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Callers established by TokenReview, per token (keyed by its digest), each kept at most {@link
 * #MAX_AGE} and never past the token's own expiry. Holds at most {@code capacity} tokens, dropping
 * the least recently used. Thread-safe.
 */
final class TokenReviewCache {
  /** How long a reviewed token is believed without asking again (a revoked token's grace). */
  static final Duration MAX_AGE = Duration.ofMinutes(1);

  /** Default bound: tokens of this many workers at once, about 200 bytes each. */
  static final int DEFAULT_CAPACITY = 10_000;

  private record Entry(Caller caller, Instant until) {}

  private final Clock clock;
  private final Map<String, Entry> entries;

  TokenReviewCache(Clock clock, int capacity) {
    this.clock = clock;
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > capacity;
          }
        };
  }

  /** The cached caller of {@code token}, when its entry has not run out. */
  synchronized Caller get(String token) {
    String key = TokenDigest.of(token);
    Entry entry = entries.get(key);
    if (entry == null) {
      return null;
    }
    if (!clock.instant().isBefore(entry.until())) {
      entries.remove(key);
      return null;
    }
    return entry.caller();
  }

  /** Remembers {@code caller} for {@code token}, unless the token has expired already. */
  synchronized void put(String token, Caller caller, Optional<Instant> tokenExpiry) {
    Instant until = clock.instant().plus(MAX_AGE);
    if (tokenExpiry.isPresent() && tokenExpiry.get().isBefore(until)) {
      until = tokenExpiry.get();
    }
    if (clock.instant().isBefore(until)) {
      entries.put(TokenDigest.of(token), new Entry(caller, until));
    }
  }

  synchronized int size() {
    return entries.size();
  }
}
