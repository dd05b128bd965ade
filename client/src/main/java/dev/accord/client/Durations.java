package dev.accord.client;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads durations as people write them in settings: {@code 500ms}, {@code 90s}, {@code 10m}, {@code
 * 1h}.
 */
public final class Durations {
  private static final Pattern FORM = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

  private Durations() {}

  /**
   * @param setting the name of the setting, for the error
   * @throws IllegalArgumentException naming the setting and the expected form
   */
  public static Duration parse(String setting, String value) {
    Matcher matcher = FORM.matcher(value == null ? "" : value.strip());
    if (!matcher.matches()) {
      throw new IllegalArgumentException(
          setting
              + " must be a duration like 90s, 10m or 1h (units ms, s, m, h), got \""
              + value
              + "\"");
    }
    long amount = Long.parseLong(matcher.group(1));
    return switch (matcher.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      default -> Duration.ofHours(amount);
    };
  }
}
