package dev.accord.server;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ACCORD_DATABASE_WAIT}: {@code off} (the default), or a whole number of seconds, minutes or
 * hours such as {@code 30s}, {@code 5m}, {@code 1h}, in the form of {@code ACCORD_RETENTION}.
 */
final class DatabaseWait {
  private static final Pattern FORM = Pattern.compile("(\\d{1,6})(s|m|h)");

  private DatabaseWait() {}

  /**
   * The period, or empty for {@code off} or an empty value.
   *
   * @throws IllegalArgumentException naming ACCORD_DATABASE_WAIT and the expected form
   */
  static Optional<Duration> parse(String value) {
    String text = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
    if (text.isEmpty() || text.equals("off")) {
      return Optional.empty();
    }
    Matcher matcher = FORM.matcher(text);
    if (!matcher.matches() || Long.parseLong(matcher.group(1)) == 0) {
      throw new IllegalArgumentException(
          "ACCORD_DATABASE_WAIT (--database-wait) must be off or a period like 30s, 5m or 1h, got \""
              + value
              + "\"");
    }
    long amount = Long.parseLong(matcher.group(1));
    return Optional.of(
        switch (matcher.group(2)) {
          case "h" -> Duration.ofHours(amount);
          case "m" -> Duration.ofMinutes(amount);
          default -> Duration.ofSeconds(amount);
        });
  }
}
