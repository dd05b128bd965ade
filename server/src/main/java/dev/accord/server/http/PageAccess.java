package dev.accord.server.http;

import com.sun.net.httpserver.HttpExchange;
import dev.accord.server.CallSecurity;
import dev.accord.server.access.AccessRole;
import dev.accord.server.backend.NamespaceScope;
import dev.accord.server.security.Authenticator;
import dev.accord.server.security.Caller;
import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.StatusException;

/**
 * Who is asking for a page, by the same authenticators and access rules as the gRPC API: a request
 * carries its bearer token in {@code Authorization: Bearer TOKEN}, and sees only the namespaces in
 * which its caller has the reader role. With authentication off every page is open.
 */
final class PageAccess {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final CallSecurity security;

  PageAccess(CallSecurity security) {
    this.security = security;
  }

  boolean on() {
    return security.authenticates();
  }

  /**
   * The caller of {@code exchange}; null when authentication is off.
   *
   * @throws Refusal 401 without a credential or with one that is not valid
   */
  Caller caller(HttpExchange exchange) {
    if (!on()) {
      return null;
    }
    Metadata headers = new Metadata();
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    if (authorization != null) {
      try {
        headers.put(AUTHORIZATION, authorization);
      } catch (IllegalArgumentException e) {
        throw new Refusal(401, "the Authorization header is not \"Bearer TOKEN\"");
      }
    }
    for (Authenticator authenticator : security.authenticators()) {
      try {
        // The HTTP listener speaks plaintext: a client-certificate authenticator finds nothing.
        Caller caller = authenticator.authenticate(headers, Attributes.EMPTY);
        if (caller != null) {
          return caller;
        }
      } catch (StatusException e) {
        throw new Refusal(401, describe(e));
      }
    }
    throw new Refusal(401, "sign in: this page needs a bearer token (Authorization: Bearer TOKEN)");
  }

  /** The namespaces {@code caller} may read: all with authentication off. */
  NamespaceScope readable(Caller caller) {
    if (!on()) {
      return NamespaceScope.EVERYTHING;
    }
    return security.accessPolicy().scope(caller, AccessRole.READER);
  }

  /**
   * @throws Refusal 403 unless {@code caller} may read {@code namespace}
   */
  void requireReader(Caller caller, String namespace) {
    if (on() && !security.accessPolicy().allows(caller, namespace, AccessRole.READER)) {
      throw new Refusal(
          403, "\"" + caller.name() + "\" needs role reader in namespace \"" + namespace + "\"");
    }
  }

  private static String describe(StatusException e) {
    String description = e.getStatus().getDescription();
    return description == null ? "credentials not accepted" : description;
  }
}
