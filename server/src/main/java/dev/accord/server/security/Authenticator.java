package dev.accord.server.security;

import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.StatusException;

/**
 * One way of establishing who is calling: a client certificate, a bearer token checked against a
 * file, or a Kubernetes ServiceAccount token checked with a TokenReview. The server asks each
 * configured one in turn; the first that finds its kind of credential decides.
 */
public interface Authenticator {
  /**
   * @param headers the call's headers ({@code authorization: Bearer …})
   * @param transport the call's transport attributes ({@code Grpc.TRANSPORT_ATTR_SSL_SESSION})
   * @return the caller, or null when the call carries no credential of this kind
   * @throws StatusException UNAUTHENTICATED, saying what is wrong, when a credential of this kind
   *     is present but not valid
   */
  Caller authenticate(Metadata headers, Attributes transport) throws StatusException;

  /**
   * The credential this authenticator looks for, for the message a call without any credential
   * gets, e.g. {@code "a bearer token (authorization: Bearer …)"}.
   */
  default String credential() {
    return "a credential";
  }

  /**
   * Whether authenticating a call with these headers may wait on something remote (a TokenReview
   * not answered from cache): such calls are started on the server's call threads, never on a
   * network thread.
   */
  default boolean mayBlock(Metadata headers) {
    return false;
  }
}
