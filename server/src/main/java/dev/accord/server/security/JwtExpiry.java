package dev.accord.server.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * The {@code exp} claim of a JWT, read without checking the signature: it only bounds how long a
 * TokenReview's answer is cached, never decides who is calling.
 */
final class JwtExpiry {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JwtExpiry() {}

  /** The expiry, or empty when the token is not a JWT or has no numeric {@code exp}. */
  static Optional<Instant> of(String token) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      return Optional.empty();
    }
    try {
      JsonNode exp = JSON.readTree(Base64.getUrlDecoder().decode(parts[1])).path("exp");
      return exp.isNumber() ? Optional.of(Instant.ofEpochSecond(exp.asLong())) : Optional.empty();
    } catch (java.io.IOException | IllegalArgumentException e) {
      // Not a JWT payload: the cache then bounds the entry by its own lifetime alone.
      return Optional.empty();
    }
  }
}
