package dev.accord.server;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A setting that is {@code off} or a whole number of one of a few time units, such as {@code
 * ACCORD_RETENTION}'s {@code 30d} or {@code ACCORD_DATABASE_WAIT}'s {@code 30s}.
 */
public final class SettingPeriod {
  private final String setting;
  private final String examples;
  private final Map<String, ChronoUnit> units;
  private final Pattern form;

  /**
   * @param setting the variable and flag, as errors name them
   * @param examples periods of the expected form, as errors give them
   * @param units each unit's suffix
   */
  public SettingPeriod(String setting, String examples, Map<String, ChronoUnit> units) {
    this.setting = setting;
    this.examples = examples;
    this.units = Map.copyOf(units);
    this.form = Pattern.compile("(\\d{1,6})(" + String.join("|", this.units.keySet()) + ")");
  }

  /**
   * The period, or empty for {@code off} or an empty value.
   *
   * @throws IllegalArgumentException naming the setting and the expected form
   */
  public Optional<Duration> parse(String value) {
    String text = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
    if (text.isEmpty() || text.equals("off")) {
      return Optional.empty();
    }
    Matcher matcher = form.matcher(text);
    if (!matcher.matches()) {
      throw invalid(value);
    }
    return Optional.of(Duration.of(Long.parseLong(matcher.group(1)), units.get(matcher.group(2))));
  }

  /** The error for {@code value}, which is not of the expected form. */
  public IllegalArgumentException invalid(String value) {
    return new IllegalArgumentException(
        setting + " must be off or a period like " + examples + ", got \"" + value + "\"");
  }
}
