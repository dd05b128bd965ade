package dev.accord.server.security;

import static dev.accord.server.security.TokenFileAuthenticatorTest.bearer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.Status.Code;
import io.grpc.StatusException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ServiceAccount tokens checked with a TokenReview against Fabric8's mock API server, which accepts
 * every token not starting with {@code bad} for audience accord.dev as {@code
 * system:serviceaccount:jobs:worker}: the answers, and the cache in front of them.
 */
@EnableKubernetesMockClient
class TokenReviewAuthenticatorTest {
  private static final String PATH = "/apis/authentication.k8s.io/v1/tokenreviews";
  private static final String AUDIENCE = "accord.dev";
  private static final Instant START = Instant.parse("2026-12-02T03:00:00Z");

  static KubernetesMockServer server;
  static KubernetesClient client;

  /** The TokenReviews the mock server was sent. */
  private static final List<TokenReview> SENT = new CopyOnWriteArrayList<>();

  private final MutableClock clock = new MutableClock(START);
  private TokenReviewAuthenticator authenticator;
  private int requestsBefore;

  /** A clock the test moves. */
  static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  /** The mock server lives as long as the class: it answers every test's reviews. */
  @BeforeAll
  static void answerTokenReviews() {
    server
        .expect()
        .post()
        .withPath(PATH)
        .andReply(201, request -> review(request.getBody().readUtf8()))
        .always();
  }

  @BeforeEach
  void freshAuthenticator() {
    SENT.clear();
    authenticator = new TokenReviewAuthenticator(client, AUDIENCE, clock, 2);
    requestsBefore = server.getRequestCount();
  }

  /** What the mock API server answers a TokenReview. */
  private static TokenReview review(String body) {
    TokenReview request = Serialization.unmarshal(body, TokenReview.class);
    SENT.add(request);
    boolean good =
        !request.getSpec().getToken().startsWith("bad")
            && request.getSpec().getAudiences().contains(AUDIENCE);
    TokenReviewBuilder answer = new TokenReviewBuilder(request);
    if (good) {
      return answer
          .withNewStatus()
          .withAuthenticated(true)
          .withAudiences(AUDIENCE)
          .withNewUser()
          .withUsername("system:serviceaccount:jobs:worker")
          .withGroups("system:serviceaccounts", "system:serviceaccounts:jobs")
          .endUser()
          .endStatus()
          .build();
    }
    return answer
        .withNewStatus()
        .withAuthenticated(false)
        .withError("[invalid bearer token, token has been invalidated]")
        .endStatus()
        .build();
  }

  private int reviews() {
    return server.getRequestCount() - requestsBefore;
  }

  private Caller authenticate(String token) throws StatusException {
    return authenticator.authenticate(bearer(token), Attributes.EMPTY);
  }

  /** A JWT-shaped token (unsigned: only its exp is read) expiring at {@code exp}. */
  private static String jwt(Instant exp) {
    Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
    String payload = "{\"aud\":[\"accord.dev\"],\"exp\":" + exp.getEpochSecond() + "}";
    return base64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8))
        + "."
        + base64.encodeToString(payload.getBytes(StandardCharsets.UTF_8))
        + ".c2lnbmF0dXJl";
  }

  @Test
  void anAcceptedTokenIsItsServiceAccountWithItsGroups() throws Exception {
    assertThat(authenticate("good-1"))
        .isEqualTo(
            new Caller(
                "system:serviceaccount:jobs:worker",
                Set.of("system:serviceaccounts", "system:serviceaccounts:jobs")));
    assertThat(SENT).hasSize(1);
    assertThat(SENT.get(0).getSpec().getToken()).isEqualTo("good-1");
    assertThat(SENT.get(0).getSpec().getAudiences()).containsExactly(AUDIENCE);
  }

  @Test
  void aRefusedTokenIsUnauthenticatedAndNoTokenIsNoAnswer() throws Exception {
    assertThatThrownBy(() -> authenticate("bad-1"))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Code.UNAUTHENTICATED);
              assertThat(e.getStatus().getDescription()).isEqualTo("token not recognised");
            });
    assertThat(authenticator.authenticate(new Metadata(), Attributes.EMPTY)).isNull();
    assertThat(reviews()).isEqualTo(1);
  }

  @Test
  void aTokenForAnotherAudienceIsRefused() throws Exception {
    TokenReviewAuthenticator other =
        new TokenReviewAuthenticator(client, "elsewhere.example", clock, 2);
    assertThatThrownBy(() -> other.authenticate(bearer("good-1"), Attributes.EMPTY))
        .hasMessageContaining("UNAUTHENTICATED");
  }

  @Test
  void anAcceptedTokenIsServedFromTheCacheForAMinute() throws Exception {
    authenticate("good-1");
    clock.advance(Duration.ofSeconds(59));
    assertThat(authenticate("good-1").name()).isEqualTo("system:serviceaccount:jobs:worker");
    assertThat(reviews()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(1));
    authenticate("good-1");
    assertThat(reviews()).isEqualTo(2);
  }

  @Test
  void aTokenIsNotServedFromTheCachePastItsOwnExpiry() throws Exception {
    String token = jwt(START.plusSeconds(10));
    authenticate(token);
    clock.advance(Duration.ofSeconds(9));
    authenticate(token);
    assertThat(reviews()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(1));
    authenticate(token);
    assertThat(reviews()).isEqualTo(2);
  }

  @Test
  void aTokenPastItsExpiryIsNeverCached() throws Exception {
    String token = jwt(START.minusSeconds(1));
    authenticate(token);
    authenticate(token);
    assertThat(reviews()).isEqualTo(2);
  }

  @Test
  void theExpiryIsReadFromAJwtPayloadOnly() {
    assertThat(JwtExpiry.of(jwt(START))).contains(START);
    assertThat(JwtExpiry.of("good-1")).isEmpty();
    assertThat(JwtExpiry.of("a.!!!.c")).isEmpty();
    assertThat(JwtExpiry.of("a.e30.c")).isEmpty(); // {} has no exp
  }

  @Test
  void refusedTokensAreAskedAboutEveryTime() throws Exception {
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> authenticate("bad-1")).hasMessageContaining("UNAUTHENTICATED");
    }
    assertThat(reviews()).isEqualTo(2);
  }

  @Test
  void theCacheHoldsAtMostItsCapacity() throws Exception {
    for (String token : List.of("good-1", "good-2", "good-3")) {
      authenticate(token);
    }
    authenticate("good-3");
    assertThat(reviews()).isEqualTo(3);
    authenticate("good-1");
    assertThat(reviews()).isEqualTo(4);
  }
}
