package dev.accord.server.retention;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long done resources are kept ({@code ACCORD_RETENTION}): {@code off} (the default: kept until
 * deleted by hand), or a whole number of days, hours or minutes such as {@code 30d}, {@code 12h},
 * {@code 90m}.
 */
public final class RetentionPeriod {
  /** Shorter periods would delete names that workers of a running sweep still look up. */
  public static final Duration SHORTEST = Duration.ofMinutes(1);

  private static final Pattern FORM = Pattern.compile("(\\d{1,6})(d|h|m)");

  private RetentionPeriod() {}

  /**
   * The period, or empty for {@code off} or an empty value.
   *
   * @throws IllegalArgumentException naming ACCORD_RETENTION and the expected form
   */
  public static Optional<Duration> parse(String value) {
    String text = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
    if (text.isEmpty() || text.equals("off")) {
      return Optional.empty();
    }
    Matcher matcher = FORM.matcher(text);
    if (!matcher.matches()) {
      throw new IllegalArgumentException(
          "ACCORD_RETENTION (--retention) must be off or a period like 30d, 12h or 90m, got \""
              + value
              + "\"");
    }
    long amount = Long.parseLong(matcher.group(1));
    Duration period =
        switch (matcher.group(2)) {
          case "d" -> Duration.ofDays(amount);
          case "h" -> Duration.ofHours(amount);
          default -> Duration.ofMinutes(amount);
        };
    if (period.compareTo(SHORTEST) < 0) {
      throw new IllegalArgumentException(
          "ACCORD_RETENTION (--retention) must be at least 1m, got \"" + value + "\"");
    }
    return Optional.of(period);
  }
}
