package dev.accord.operator.e2e;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatusBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plays the API server's ServiceAccount tokens for the end-to-end test: issues projected tokens as
 * the kubelet asks for them (JWT-shaped, with {@code aud} and {@code exp}, signed by nobody), and
 * answers TokenReviews on the mock API server the way the real one does: authenticated, with the
 * ServiceAccount's user name, groups and the audiences, only for a token it issued, unexpired and
 * for an audience asked about.
 */
final class StandInTokens {
  private static final String PATH = "/apis/authentication.k8s.io/v1/tokenreviews";

  private record Subject(
      String namespace, String serviceAccount, String audience, Instant expiry) {}

  private final Map<String, Subject> issued = new ConcurrentHashMap<>();
  private final AtomicInteger reviews = new AtomicInteger();
  private final SecureRandom random = new SecureRandom();
  private final Clock clock;

  StandInTokens(Clock clock) {
    this.clock = clock;
  }

  /** From now on, TokenReviews posted to {@code server} are answered from the tokens issued. */
  void answerTokenReviews(KubernetesMockServer server) {
    server
        .expect()
        .post()
        .withPath(PATH)
        .andReply(201, request -> Serialization.asJson(review(request.getUtf8Body())))
        .always();
  }

  /** How many TokenReviews were answered. */
  int reviews() {
    return reviews.get();
  }

  /** A token for {@code namespace/serviceAccount}, for {@code audience}. */
  String issue(String namespace, String serviceAccount, String audience, long seconds) {
    Instant expiry = clock.instant().plusSeconds(seconds);
    byte[] id = new byte[16];
    random.nextBytes(id);
    Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
    String payload =
        Serialization.asJson(
            Map.of(
                "aud", List.of(audience),
                "exp", expiry.getEpochSecond(),
                "sub", "system:serviceaccount:" + namespace + ":" + serviceAccount,
                "jti", base64.encodeToString(id)));
    String token =
        base64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8))
            + "."
            + base64.encodeToString(payload.getBytes(StandardCharsets.UTF_8))
            + "."
            + base64.encodeToString(id);
    issued.put(token, new Subject(namespace, serviceAccount, audience, expiry));
    return token;
  }

  private TokenReview review(String body) {
    reviews.incrementAndGet();
    TokenReview review = Serialization.unmarshal(body, TokenReview.class);
    Subject subject = issued.get(review.getSpec().getToken());
    List<String> audiences = review.getSpec().getAudiences();
    if (subject == null
        || !clock.instant().isBefore(subject.expiry())
        || (audiences != null && !audiences.isEmpty() && !audiences.contains(subject.audience()))) {
      review.setStatus(
          new TokenReviewStatusBuilder()
              .withAuthenticated(false)
              .withError("[invalid bearer token, token lookup failed]")
              .build());
      return review;
    }
    review.setStatus(
        new TokenReviewStatusBuilder()
            .withAuthenticated(true)
            .withAudiences(subject.audience())
            .withNewUser()
            .withUsername(
                "system:serviceaccount:" + subject.namespace() + ":" + subject.serviceAccount())
            .withGroups(
                "system:serviceaccounts",
                "system:serviceaccounts:" + subject.namespace(),
                "system:authenticated")
            .endUser()
            .build());
    return review;
  }
}
