package dev.accord.server;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ACCORD_DATABASE_WAIT}: {@code off} (the default), or a whole number of seconds, minutes or
 * hours such as {@code 30s}, {@code 5m}, {@code 1h}, in the form of {@code ACCORD_RETENTION}.
 */
final class DatabaseWait {
  private static final SettingPeriod PERIOD =
      new SettingPeriod(
          "ACCORD_DATABASE_WAIT (--database-wait)",
          "30s, 5m or 1h",
          Map.of("s", ChronoUnit.SECONDS, "m", ChronoUnit.MINUTES, "h", ChronoUnit.HOURS));

  private DatabaseWait() {}

  /**
   * The period, or empty for {@code off} or an empty value.
   *
   * @throws IllegalArgumentException naming ACCORD_DATABASE_WAIT and the expected form
   */
  static Optional<Duration> parse(String value) {
    Optional<Duration> period = PERIOD.parse(value);
    if (period.isPresent() && period.get().isZero()) {
      throw PERIOD.invalid(value);
    }
    return period;
  }
}
