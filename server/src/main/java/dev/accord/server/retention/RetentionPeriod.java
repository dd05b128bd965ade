package dev.accord.server.retention;

import dev.accord.server.SettingPeriod;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;

/**
 * How long done resources are kept ({@code ACCORD_RETENTION}): {@code off} (the default: kept until
 * deleted by hand), or a whole number of days, hours or minutes such as {@code 30d}, {@code 12h},
 * {@code 90m}.
 */
public final class RetentionPeriod {
  /** Shorter periods would delete names that workers of a running sweep still look up. */
  public static final Duration SHORTEST = Duration.ofMinutes(1);

  private static final SettingPeriod PERIOD =
      new SettingPeriod(
          "ACCORD_RETENTION (--retention)",
          "30d, 12h or 90m",
          Map.of("d", ChronoUnit.DAYS, "h", ChronoUnit.HOURS, "m", ChronoUnit.MINUTES));

  private RetentionPeriod() {}

  /**
   * The period, or empty for {@code off} or an empty value.
   *
   * @throws IllegalArgumentException naming ACCORD_RETENTION and the expected form
   */
  public static Optional<Duration> parse(String value) {
    Optional<Duration> parsed = PERIOD.parse(value);
    if (parsed.isEmpty()) {
      return parsed;
    }
    Duration period = parsed.get();
    if (period.compareTo(SHORTEST) < 0) {
      throw new IllegalArgumentException(
          "ACCORD_RETENTION (--retention) must be at least 1m, got \"" + value + "\"");
    }
    return Optional.of(period);
  }
}
