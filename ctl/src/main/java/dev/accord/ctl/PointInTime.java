package dev.accord.ctl;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A time given on the command line: an ISO-8601 instant ({@code 2026-11-01T00:00:00Z}) or a
 * duration ago ({@code 30d}, {@code 12h}, {@code 90m}, {@code 45s}), resolved against the clock
 * when used.
 */
record PointInTime(Instant instant, Duration ago) {
  private static final Pattern AGO = Pattern.compile("(\\d{1,9})([dhms])");

  Instant resolve(Clock clock) {
    return instant != null ? instant : clock.instant().minus(ago);
  }

  static final class Converter implements ITypeConverter<PointInTime> {
    @Override
    public PointInTime convert(String value) {
      Matcher matcher = AGO.matcher(value.strip());
      if (matcher.matches()) {
        long amount = Long.parseLong(matcher.group(1));
        Duration ago =
            switch (matcher.group(2)) {
              case "d" -> Duration.ofDays(amount);
              case "h" -> Duration.ofHours(amount);
              case "m" -> Duration.ofMinutes(amount);
              default -> Duration.ofSeconds(amount);
            };
        return new PointInTime(null, ago);
      }
      try {
        return new PointInTime(Instant.parse(value.strip()), null);
      } catch (DateTimeParseException e) {
        throw new TypeConversionException(
            "expected an ISO-8601 instant like 2026-11-01T00:00:00Z or a duration ago like 30d,"
                + " 12h, 90m or 45s, got \""
                + value
                + "\"");
      }
    }
  }
}
