package dev.accord.server.security;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ACCORD_AUTH=kubernetes}: a bearer token is a projected ServiceAccount token for {@code
 * audience}, checked by the Kubernetes API with a TokenReview; the caller is {@code
 * status.user.username} ({@code system:serviceaccount:NS:NAME}) with {@code status.user.groups}.
 * Accepted tokens are cached (see {@link TokenReviewCache}); refused ones are asked about again.
 */
public final class TokenReviewAuthenticator implements Authenticator {
  private static final Logger log = LoggerFactory.getLogger(TokenReviewAuthenticator.class);

  private final KubernetesClient kubernetes;
  private final String audience;
  private final TokenReviewCache cache;

  /**
   * @param kubernetes the API to ask; it needs {@code create} on {@code tokenreviews}
   * @param audience the audience every token must be for
   */
  public TokenReviewAuthenticator(KubernetesClient kubernetes, String audience) {
    this(kubernetes, audience, Clock.systemUTC(), TokenReviewCache.DEFAULT_CAPACITY);
  }

  TokenReviewAuthenticator(
      KubernetesClient kubernetes, String audience, Clock clock, int cacheCapacity) {
    this.kubernetes = kubernetes;
    this.audience = audience;
    this.cache = new TokenReviewCache(clock, cacheCapacity);
  }

  @Override
  public Caller authenticate(Metadata headers, Attributes transport) throws StatusException {
    String token = BearerToken.of(headers);
    if (token == null) {
      return null;
    }
    Caller cached = cache.get(token);
    if (cached != null) {
      return cached;
    }
    Caller caller = review(token);
    cache.put(token, caller, JwtExpiry.of(token));
    return caller;
  }

  /** A token not in the cache needs a call to the Kubernetes API. */
  @Override
  public boolean mayBlock(Metadata headers) {
    try {
      String token = BearerToken.of(headers);
      return token != null && cache.get(token) == null;
    } catch (StatusException malformed) {
      return false;
    }
  }

  @Override
  public String credential() {
    return "a Kubernetes ServiceAccount token for audience " + audience + " (ACCORD_TOKEN_FILE)";
  }

  private Caller review(String token) throws StatusException {
    TokenReview request =
        new TokenReviewBuilder()
            .withNewSpec()
            .withToken(token)
            .withAudiences(audience)
            .endSpec()
            .build();
    TokenReviewStatus status;
    try {
      status = kubernetes.authentication().v1().tokenReviews().create(request).getStatus();
    } catch (KubernetesClientException e) {
      log.error("TokenReview failed: {}", e.getMessage());
      throw Status.UNAVAILABLE
          .withDescription("cannot check the token now: the Kubernetes API did not answer")
          .asException();
    }
    if (status == null || !Boolean.TRUE.equals(status.getAuthenticated())) {
      String reason = status == null ? null : status.getError();
      log.debug("TokenReview refused a token: {}", reason);
      throw Status.UNAUTHENTICATED
          .withDescription(
              reason != null && reason.toLowerCase().contains("expired")
                  ? "token expired"
                  : "token not recognised")
          .asException();
    }
    List<String> audiences = status.getAudiences();
    if (audiences == null || !audiences.contains(audience)) {
      throw Status.UNAUTHENTICATED
          .withDescription("token not recognised: it is not for audience " + audience)
          .asException();
    }
    UserInfo user = status.getUser();
    if (user == null || user.getUsername() == null || user.getUsername().isEmpty()) {
      throw Status.UNAUTHENTICATED
          .withDescription("token not recognised: the TokenReview named no user")
          .asException();
    }
    return new Caller(
        user.getUsername(), user.getGroups() == null ? Set.of() : Set.copyOf(user.getGroups()));
  }
}
