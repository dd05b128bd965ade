package dev.accord.operator.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookSettingsTest {

  @Test
  void onByDefaultOn9443InThePodsNamespace() {
    assertThat(WebhookSettings.fromEnvironment(Map.of("POD_NAMESPACE", "accord-system")))
        .isEqualTo(new WebhookSettings(true, 9443, "accord-system", null));
    assertThat(
            WebhookSettings.fromEnvironment(
                Map.of("POD_NAMESPACE", "ops", "ACCORD_WEBHOOK_PORT", " 8443 ")))
        .isEqualTo(new WebhookSettings(true, 8443, "ops", null));
  }

  @Test
  void offWhenAskedOrOutsideACluster() {
    WebhookSettings off =
        WebhookSettings.fromEnvironment(
            Map.of("POD_NAMESPACE", "ops", "ACCORD_WEBHOOK_PORT", "off"));
    assertThat(off.enabled()).isFalse();
    assertThat(off.why()).isEqualTo("ACCORD_WEBHOOK_PORT=off");
    WebhookSettings outside = WebhookSettings.fromEnvironment(Map.of());
    assertThat(outside.enabled()).isFalse();
    assertThat(outside.why()).isEqualTo("POD_NAMESPACE is not set");
  }

  @Test
  void aMalformedPortNamesTheVariable() {
    for (String port : new String[] {"https", "-1", "70000"}) {
      assertThatThrownBy(
              () ->
                  WebhookSettings.fromEnvironment(
                      Map.of("POD_NAMESPACE", "ops", "ACCORD_WEBHOOK_PORT", port)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "ACCORD_WEBHOOK_PORT must be a port number (0 to 65535) or off, got \""
                  + port
                  + "\"");
    }
  }
}
