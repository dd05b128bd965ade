package dev.accord.client;

import dev.accord.api.InputLimits;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Checks of the values a client is configured with, by the builder or per call: each error names
 * the setting and the expected form.
 */
final class Settings {
  private static final Pattern URL_SCHEME = Pattern.compile("(?i)^(https?|grpcs?)://.*");
  static final String HTTPS = "https://";

  private Settings() {}

  /** {@code target} without an {@code https://} prefix, once checked. */
  static String target(String target, String setting) {
    String expected =
        setting
            + " must be a gRPC target such as dns:///accord.default.svc:7475, "
            + "localhost:7475 or https://accord.example.com:7475, got \""
            + target
            + "\"";
    if (isHttps(target)) {
      target = target.substring(HTTPS.length());
    }
    if (target == null
        || target.isBlank()
        || target.chars().anyMatch(Character::isWhitespace)
        || URL_SCHEME.matcher(target).matches()) {
      throw new IllegalArgumentException(expected);
    }
    if (!target.contains(":")) {
      throw new IllegalArgumentException(expected + " (the port is missing)");
    }
    return target;
  }

  static boolean isHttps(String target) {
    return target != null && target.regionMatches(true, 0, HTTPS, 0, HTTPS.length());
  }

  static String owner(String owner, String setting) {
    if (owner == null || owner.isEmpty() || owner.length() > InputLimits.MAX_OWNER_CHARS) {
      throw new IllegalArgumentException(
          setting
              + " must be 1 to "
              + InputLimits.MAX_OWNER_CHARS
              + " characters, got \""
              + owner
              + "\"");
    }
    return owner;
  }

  static String namespace(String namespace, String setting) {
    if (namespace == null || namespace.length() > InputLimits.MAX_NAMESPACE_CHARS) {
      throw new IllegalArgumentException(
          setting + " must be at most " + InputLimits.MAX_NAMESPACE_CHARS + " characters");
    }
    return namespace;
  }

  static Duration ttl(Duration ttl, String setting) {
    if (ttl == null
        || ttl.toMillis() % 1000 != 0
        || ttl.toSeconds() < InputLimits.MIN_ACQUIRE_TTL_SECONDS
        || ttl.toSeconds() > InputLimits.MAX_TTL_SECONDS) {
      throw new IllegalArgumentException(
          setting + " must be whole seconds from 1s to 24h, like 90s, 10m or 1h, got " + ttl);
    }
    return ttl;
  }

  static Duration positive(Duration duration, String setting) {
    if (duration == null || duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(setting + " must be positive, got " + duration);
    }
    return duration;
  }
}
