package dev.accord.operator.webhook;

import dev.accord.operator.metrics.WebhookAdmissions;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The body of a POST to the webhook, turned into the HTTP answer: a 400 saying what is wrong when
 * it is not an AdmissionReview (v1) with a request uid, otherwise the {@link PodInjector}'s review.
 * When the injector fails, the pod is still allowed, unchanged, with a warning: the webhook never
 * blocks a rollout.
 */
final class AdmissionReviewHandler {
  private static final Logger log = LoggerFactory.getLogger(AdmissionReviewHandler.class);

  /** An HTTP status, the media type of the body (UTF-8), and the body. */
  record Answer(int status, String contentType, String body) {}

  private final PodInjector injector;
  private final WebhookAdmissions admissions;

  AdmissionReviewHandler(PodInjector injector, WebhookAdmissions admissions) {
    this.injector = injector;
    this.admissions = admissions;
  }

  Answer answer(byte[] body) {
    AdmissionReview review;
    try {
      review =
          PodInjector.SERIALIZATION.unmarshal(
              new String(body, StandardCharsets.UTF_8), AdmissionReview.class);
    } catch (RuntimeException e) {
      return notAReview(firstLine(e));
    }
    String problem = problem(review);
    if (problem != null) {
      return notAReview(problem);
    }
    AdmissionReview answer;
    try {
      answer = injector.review(review);
    } catch (RuntimeException e) {
      log.error(
          "The webhook failed on request {}; the pod is let through unchanged",
          review.getRequest().getUid(),
          e);
      answer =
          PodInjector.allowed(
              review.getRequest().getUid(),
              null,
              List.of(
                  "accord.dev/cluster: the Accord webhook failed ("
                      + firstLine(e)
                      + ")"
                      + PodInjector.WITHOUT_SETTINGS));
    }
    admissions.count(outcome(answer));
    return new Answer(200, "application/json", PodInjector.SERIALIZATION.asJson(answer));
  }

  /** Read off the answer itself, so every path through the injector is counted the same way. */
  private static WebhookAdmissions.Outcome outcome(AdmissionReview answer) {
    var response = answer.getResponse();
    if (response.getPatch() != null) {
      return WebhookAdmissions.Outcome.INJECTED;
    }
    if (response.getWarnings() != null && !response.getWarnings().isEmpty()) {
      return WebhookAdmissions.Outcome.WARNED;
    }
    return WebhookAdmissions.Outcome.UNCHANGED;
  }

  private static Answer notAReview(String why) {
    return new Answer(
        400,
        "text/plain",
        "the body is not an AdmissionReview (admission.k8s.io/v1): " + why + "\n");
  }

  private static String problem(AdmissionReview review) {
    if (review == null) {
      return "empty";
    }
    if (review.getKind() != null && !PodInjector.KIND.equals(review.getKind())) {
      return "kind is " + review.getKind();
    }
    if (review.getApiVersion() != null && !PodInjector.API_VERSION.equals(review.getApiVersion())) {
      return "apiVersion is " + review.getApiVersion();
    }
    if (review.getRequest() == null) {
      return "no request";
    }
    if (review.getRequest().getUid() == null || review.getRequest().getUid().isBlank()) {
      return "no request.uid";
    }
    return null;
  }

  private static String firstLine(Throwable error) {
    String message =
        error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
    return message.lines().findFirst().orElse(message);
  }
}
