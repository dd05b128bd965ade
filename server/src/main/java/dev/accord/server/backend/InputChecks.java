package dev.accord.server.backend;

import static dev.accord.api.InputLimits.MAX_METADATA_BYTES;
import static dev.accord.api.InputLimits.MAX_METADATA_ENTRIES;
import static dev.accord.api.InputLimits.MAX_TTL_SECONDS;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The input rules every request obeys ({@link dev.accord.api.InputLimits}), checked before anything
 * touches a store. Each check throws {@link InvalidArgumentException} naming the wire field, so a
 * client learns exactly what to fix.
 */
public final class InputChecks {
  private InputChecks() {}

  public static String requireNonEmpty(String field, String value, int maxChars) {
    if (value == null || value.isEmpty()) {
      throw new InvalidArgumentException(field, "must not be empty");
    }
    return requireText(field, value, maxChars);
  }

  public static String requireText(String field, String value, int maxChars) {
    if (value == null) {
      throw new InvalidArgumentException(field, "must be set");
    }
    // length() counts UTF-16 units, never fewer than code points: only long strings need the exact
    // count.
    if (value.length() > maxChars) {
      int chars = value.codePointCount(0, value.length());
      if (chars > maxChars) {
        throw new InvalidArgumentException(
            field, "must be at most " + maxChars + " characters, got " + chars);
      }
    }
    requireNoNul(field, value);
    return value;
  }

  /** PostgreSQL text cannot hold U+0000; refuse it everywhere so every backend agrees. */
  private static void requireNoNul(String field, String value) {
    if (value.indexOf('\u0000') >= 0) {
      throw new InvalidArgumentException(field, "must not contain the NUL character (U+0000)");
    }
  }

  static int requireTtl(String field, long seconds, int min) {
    if (seconds < min || seconds > MAX_TTL_SECONDS) {
      throw new InvalidArgumentException(
          field, "must be from " + min + " to " + MAX_TTL_SECONDS + " seconds, got " + seconds);
    }
    return (int) seconds;
  }

  static Map<String, String> requireMetadata(String field, Map<String, String> metadata) {
    if (metadata == null || metadata.isEmpty()) {
      return Map.of();
    }
    if (metadata.size() > MAX_METADATA_ENTRIES) {
      throw new InvalidArgumentException(
          field, "must have at most " + MAX_METADATA_ENTRIES + " entries, got " + metadata.size());
    }
    long bytes = 0;
    for (Map.Entry<String, String> entry : metadata.entrySet()) {
      String key = entry.getKey();
      String value = entry.getValue();
      if (key == null || value == null) {
        throw new InvalidArgumentException(field, "keys and values must not be null");
      }
      requireNoNul(field + "[" + quote(key) + "]", key);
      requireNoNul(field + "[" + quote(key) + "]", value);
      bytes += utf8Length(key) + utf8Length(value);
    }
    if (bytes > MAX_METADATA_BYTES) {
      throw new InvalidArgumentException(
          field,
          "must be at most "
              + MAX_METADATA_BYTES
              + " bytes in total (keys and values, UTF-8), got "
              + bytes);
    }
    return Map.copyOf(metadata);
  }

  private static String quote(String key) {
    String shown = key.length() > 40 ? key.substring(0, 40) + "…" : key;
    return '"' + shown.replace("\u0000", "\\0") + '"';
  }

  private static long utf8Length(String s) {
    // Most metadata is ASCII: skip the encoder when every char is one byte.
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return s.getBytes(StandardCharsets.UTF_8).length;
      }
    }
    return s.length();
  }
}
