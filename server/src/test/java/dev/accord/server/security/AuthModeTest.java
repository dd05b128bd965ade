package dev.accord.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * ACCORD_AUTH and ACCORD_AUTH_AUDIENCE as the README gives them; a wrong value names the variable.
 */
class AuthModeTest {
  @Test
  void theThreeModes() {
    assertThat(AuthMode.parse("none", "accord.dev")).isEqualTo(new AuthMode.None());
    assertThat(AuthMode.parse("tokens:/etc/accord/tokens.csv", "accord.dev"))
        .isEqualTo(new AuthMode.Tokens(Path.of("/etc/accord/tokens.csv")));
    assertThat(AuthMode.parse("kubernetes", "accord.dev"))
        .isEqualTo(new AuthMode.Kubernetes("accord.dev"));
    assertThat(AuthMode.parse("none", "x").isOn()).isFalse();
    assertThat(AuthMode.parse("kubernetes", "x").isOn()).isTrue();
  }

  @Test
  void withoutAuthenticationNoAuthenticatorAndNoKubernetesClientIsMade() {
    assertThat(BearerAuthenticators.of(new AuthMode.None())).isEmpty();
  }

  @Test
  void badValuesNameTheVariable() {
    for (String bad : new String[] {"token:/x", "tokens:", "k8s", "NONE"}) {
      assertThatThrownBy(() -> AuthMode.parse(bad, "accord.dev"))
          .as(bad)
          .hasMessageContaining("ACCORD_AUTH (--auth)")
          .hasMessageContaining("tokens:FILE");
    }
    assertThatThrownBy(() -> AuthMode.parse("kubernetes", " "))
        .hasMessageContaining("ACCORD_AUTH_AUDIENCE");
  }
}
