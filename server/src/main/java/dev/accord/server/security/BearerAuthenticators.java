package dev.accord.server.security;

import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.List;

/** The authenticator {@code ACCORD_AUTH} asks for; the Kubernetes client exists only if chosen. */
public final class BearerAuthenticators {
  private BearerAuthenticators() {}

  /**
   * @return empty for {@code none}, else the one authenticator of the mode
   * @throws IllegalArgumentException when the token file is missing or wrong, naming it and the
   *     line
   */
  public static List<Authenticator> of(AuthMode mode) {
    if (mode instanceof AuthMode.Tokens tokens) {
      return List.of(new TokenFileAuthenticator(tokens.file()));
    }
    if (mode instanceof AuthMode.Kubernetes kubernetes) {
      // In a pod the client configures itself from the ServiceAccount mounted there.
      return List.of(
          new TokenReviewAuthenticator(
              new KubernetesClientBuilder().build(), kubernetes.audience()));
    }
    return List.of();
  }
}
