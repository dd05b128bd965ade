package dev.accord.server.security;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;

/** The bearer token of a call: {@code authorization: Bearer TOKEN}. */
final class BearerToken {
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private static final String SCHEME = "bearer ";

  private BearerToken() {}

  /**
   * @return the token, or null when the call has no {@code authorization} header
   * @throws StatusException UNAUTHENTICATED when the header is there but holds no bearer token
   */
  static String of(Metadata headers) throws StatusException {
    String value = headers.get(AUTHORIZATION);
    if (value == null) {
      return null;
    }
    // The scheme is case-insensitive (RFC 7235); the token itself is taken as sent.
    if (value.length() <= SCHEME.length()
        || !value.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      throw Status.UNAUTHENTICATED
          .withDescription("the authorization header is not \"Bearer TOKEN\"")
          .asException();
    }
    String token = value.substring(SCHEME.length()).trim();
    if (token.isEmpty()) {
      throw Status.UNAUTHENTICATED
          .withDescription("the authorization header has an empty bearer token")
          .asException();
    }
    return token;
  }
}
