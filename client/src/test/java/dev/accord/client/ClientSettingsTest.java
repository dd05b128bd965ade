package dev.accord.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The environment contract the operator's pod injection writes, and the errors a wrong value gets.
 */
class ClientSettingsTest {
  private static AccordClient fromEnvironment(Map<String, String> env) {
    return AccordClient.builderFromEnvironment(env).doneCache(false).build();
  }

  @Test
  void everyVariableIsRead() {
    try (AccordClient client =
        fromEnvironment(
            Map.of(
                "ACCORD_TARGET", "dns:///accord.jobs.svc:7475",
                "ACCORD_NAMESPACE", "reports",
                "ACCORD_OWNER", "worker-7",
                "ACCORD_TTL", "90s"))) {
      assertThat(client.namespace()).isEqualTo("reports");
      assertThat(client.owner()).isEqualTo("worker-7");
      assertThat(client.ttl()).isEqualTo(Duration.ofSeconds(90));
    }
  }

  @Test
  void defaultsAreTheEmptyNamespaceTheHostnameAsOwnerAndTenMinutes() {
    try (AccordClient client =
        fromEnvironment(Map.of("ACCORD_TARGET", "localhost:7475", "HOSTNAME", "pod-abc"))) {
      assertThat(client.namespace()).isEmpty();
      assertThat(client.owner()).isEqualTo("pod-abc");
      assertThat(client.ttl()).isEqualTo(Duration.ofMinutes(10));
    }
    try (AccordClient client = fromEnvironment(Map.of("ACCORD_TARGET", "localhost:7475"))) {
      assertThat(client.owner()).matches("[0-9a-f-]{36}");
    }
  }

  @Test
  void ttlsAreWrittenLikeNinetySecondsTenMinutesOrAnHour() {
    assertThat(Durations.parse("ACCORD_TTL", "90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Durations.parse("ACCORD_TTL", "10m")).isEqualTo(Duration.ofMinutes(10));
    assertThat(Durations.parse("ACCORD_TTL", "1h")).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.parse("ACCORD_TTL", "250ms")).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void aMissingTargetNamesTheVariableAndTheExpectedForm() {
    assertThatThrownBy(() -> fromEnvironment(Map.of("ACCORD_NAMESPACE", "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ACCORD_TARGET")
        .hasMessageContaining("dns:///");
  }

  @Test
  void malformedValuesNameTheVariableAndTheExpectedForm() {
    Map<String, String> cases =
        Map.of(
            "ACCORD_TARGET", "http://accord:7475",
            "ACCORD_TTL", "ten minutes");
    cases.forEach(
        (variable, value) -> {
          Map<String, String> env = new HashMap<>(Map.of("ACCORD_TARGET", "localhost:7475"));
          env.put(variable, value);
          assertThatThrownBy(() -> fromEnvironment(env))
              .as(variable)
              .isInstanceOf(IllegalArgumentException.class)
              .hasMessageContaining(variable)
              .hasMessageContaining(value);
        });
    assertThatThrownBy(() -> fromEnvironment(Map.of("ACCORD_TARGET", "accord-server")))
        .hasMessageContaining("ACCORD_TARGET")
        .hasMessageContaining("port");
    for (String ttl : new String[] {"500ms", "0s", "25h"}) {
      assertThatThrownBy(
              () -> fromEnvironment(Map.of("ACCORD_TARGET", "localhost:7475", "ACCORD_TTL", ttl)))
          .as(ttl)
          .hasMessageContaining("ACCORD_TTL")
          .hasMessageContaining("1s to 24h");
    }
    assertThatThrownBy(
            () ->
                fromEnvironment(
                    Map.of("ACCORD_TARGET", "localhost:7475", "ACCORD_OWNER", "o".repeat(256))))
        .hasMessageContaining("ACCORD_OWNER");
  }
}
