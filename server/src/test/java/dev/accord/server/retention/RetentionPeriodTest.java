package dev.accord.server.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RetentionPeriodTest {
  @Test
  void readsDaysHoursAndMinutesAndOff() {
    assertThat(RetentionPeriod.parse("30d")).contains(Duration.ofDays(30));
    assertThat(RetentionPeriod.parse(" 12H ")).contains(Duration.ofHours(12));
    assertThat(RetentionPeriod.parse("90m")).contains(Duration.ofMinutes(90));
    assertThat(RetentionPeriod.parse("off")).isEmpty();
    assertThat(RetentionPeriod.parse("")).isEmpty();
    assertThat(RetentionPeriod.parse(null)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"30", "30 days", "1.5d", "-1d", "30s", "forever"})
  void anythingElseIsRefusedNamingTheSetting(String value) {
    assertThatThrownBy(() -> RetentionPeriod.parse(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("ACCORD_RETENTION (--retention) must be off or a period like 30d")
        .hasMessageContaining("\"" + value + "\"");
  }

  @Test
  void periodsShorterThanAMinuteAreRefused() {
    assertThatThrownBy(() -> RetentionPeriod.parse("0m"))
        .hasMessageContaining("ACCORD_RETENTION")
        .hasMessageContaining("at least 1m");
  }
}
