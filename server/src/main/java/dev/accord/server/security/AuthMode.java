package dev.accord.server.security;

import java.nio.file.Path;

/**
 * How callers prove who they are, as {@code ACCORD_AUTH} says: {@code none}, {@code tokens:FILE}
 * (bearer tokens listed in a file) or {@code kubernetes} (ServiceAccount tokens checked with a
 * TokenReview for {@code ACCORD_AUTH_AUDIENCE}).
 */
public sealed interface AuthMode {
  String VARIABLE = "ACCORD_AUTH";
  String AUDIENCE_VARIABLE = "ACCORD_AUTH_AUDIENCE";
  String DEFAULT_AUDIENCE = "accord.dev";

  /** No bearer tokens: calls are not authenticated by token. */
  record None() implements AuthMode {}

  /** Bearer tokens from a Kubernetes static-token CSV file, re-read when it changes. */
  record Tokens(Path file) implements AuthMode {}

  /** Projected ServiceAccount tokens for {@code audience}, checked with a TokenReview. */
  record Kubernetes(String audience) implements AuthMode {}

  /**
   * Reads {@code ACCORD_AUTH} and {@code ACCORD_AUTH_AUDIENCE}.
   *
   * @throws IllegalArgumentException naming the variable and the accepted forms
   */
  static AuthMode parse(String auth, String audience) {
    String value = auth == null ? "" : auth.trim();
    if (value.isEmpty() || value.equals("none")) {
      return new None();
    }
    if (value.equals("kubernetes")) {
      if (audience == null
          || audience.isBlank()
          || audience.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException(
            AUDIENCE_VARIABLE
                + " (--auth-audience) must be a token audience without spaces, e.g. "
                + DEFAULT_AUDIENCE
                + ", got \""
                + audience
                + "\"");
      }
      return new Kubernetes(audience);
    }
    if (value.startsWith("tokens:") && value.length() > "tokens:".length()) {
      return new Tokens(Path.of(value.substring("tokens:".length())));
    }
    throw new IllegalArgumentException(
        VARIABLE + " (--auth) must be none, tokens:FILE or kubernetes, got \"" + auth + "\"");
  }

  /** Whether calls need a credential in this mode. */
  default boolean isOn() {
    return !(this instanceof None);
  }
}
