package dev.accord.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OperatorSettingsTest {
  @Test
  void defaultsWatchEverythingWithTheOperatorsOwnServerImageAndNoElectionOutsideAPod() {
    OperatorSettings settings = OperatorSettings.fromEnvironment(Map.of(), "1.2.3");

    assertThat(settings.namespaces()).isEmpty();
    assertThat(settings.serverImage()).isEqualTo("accord/accord-server:1.2.3");
    assertThat(settings.leaseNamespace()).isNull();
    assertThat(settings.healthPort()).isEqualTo(8080);
  }

  @Test
  void theOperatorsDefaultServerImageIsTheServerImageTheBuildTags() {
    String version = ProjectVersion.of(AccordOperatorMain.class);

    assertThat(version).isEqualTo(System.getProperty("accord.image.version"));
    assertThat(OperatorSettings.fromEnvironment(Map.of(), version).serverImage())
        .isEqualTo("accord/accord-server:" + System.getProperty("accord.image.version"));
  }

  @Test
  void everyVariableIsRead() {
    OperatorSettings settings =
        OperatorSettings.fromEnvironment(
            Map.of(
                "ACCORD_OPERATOR_NAMESPACES", " jobs, reports ,",
                "ACCORD_SERVER_IMAGE", "registry.local/accord:dev",
                "POD_NAMESPACE", "accord-system",
                "POD_NAME", "accord-operator-7c9",
                "ACCORD_OPERATOR_HEALTH_PORT", "9090"),
            "1.2.3");

    assertThat(settings.namespaces()).isEqualTo(Set.of("jobs", "reports"));
    assertThat(settings.serverImage()).isEqualTo("registry.local/accord:dev");
    assertThat(settings.leaseNamespace()).isEqualTo("accord-system");
    assertThat(settings.identity()).isEqualTo("accord-operator-7c9");
    assertThat(settings.healthPort()).isEqualTo(9090);
    assertThat(
            OperatorSettings.fromEnvironment(
                    Map.of("POD_NAMESPACE", "x", "ACCORD_OPERATOR_LEADER_ELECTION", "false"), "1")
                .leaseNamespace())
        .isNull();
  }

  @Test
  void aMalformedPortNamesTheVariable() {
    assertThatThrownBy(
            () ->
                OperatorSettings.fromEnvironment(
                    Map.of("ACCORD_OPERATOR_HEALTH_PORT", "http"), "1"))
        .hasMessageContaining("ACCORD_OPERATOR_HEALTH_PORT");
  }
}
