package dev.accord.ctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class PointInTimeTest {
  private static final Clock CLOCK = Clock.fixed(Ctl.NOW, ZoneOffset.UTC);
  private final PointInTime.Converter converter = new PointInTime.Converter();

  @Test
  void aDurationIsThatLongBeforeNow() {
    assertThat(converter.convert("30d").resolve(CLOCK))
        .isEqualTo(Ctl.NOW.minus(Duration.ofDays(30)));
    assertThat(converter.convert("12h").resolve(CLOCK)).isEqualTo(Ctl.NOW.minusSeconds(12 * 3600));
    assertThat(converter.convert("90m").resolve(CLOCK)).isEqualTo(Ctl.NOW.minusSeconds(90 * 60));
    assertThat(converter.convert("45s").resolve(CLOCK)).isEqualTo(Ctl.NOW.minusSeconds(45));
  }

  @Test
  void anInstantIsItself() {
    assertThat(converter.convert("2026-11-01T00:00:00Z").resolve(CLOCK))
        .isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
  }

  @Test
  void anythingElseIsRefusedWithTheFormsItTakes() {
    for (String bad : new String[] {"", "30", "30w", "-5d", "2026-11-01", "1.5h"}) {
      assertThatThrownBy(() -> converter.convert(bad))
          .as(bad)
          .isInstanceOf(TypeConversionException.class)
          .hasMessageContaining("ISO-8601 instant like 2026-11-01T00:00:00Z")
          .hasMessageContaining("30d");
    }
  }
}
