package dev.accord.operator.e2e;

import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectRulesReviewStatusBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Plays the API server's answer to "what may I do here" for the end-to-end test: a
 * SelfSubjectRulesReview in the operator's namespace is answered with the rules of the operator's
 * leader-election Role as shipped ({@code manifests/operator/leader-election-role.yaml}), which the
 * operator checks before it competes for its Lease. The mock API server enforces no RBAC: this only
 * lets the operator see the rules its manifests grant.
 */
final class StandInRbac {
  private static final String PATH = "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews";

  private StandInRbac() {}

  static void answerRulesReviews(KubernetesMockServer server, Path manifests) throws IOException {
    Role role;
    try (InputStream in =
        Files.newInputStream(manifests.resolve("operator/leader-election-role.yaml"))) {
      role = Serialization.unmarshal(in, Role.class);
    }
    String namespace = role.getMetadata().getNamespace();
    server
        .expect()
        .post()
        .withPath(PATH)
        .andReply(
            201,
            request -> {
              SelfSubjectRulesReview review =
                  Serialization.unmarshal(request.getUtf8Body(), SelfSubjectRulesReview.class);
              SubjectRulesReviewStatusBuilder status =
                  new SubjectRulesReviewStatusBuilder().withIncomplete(false);
              if (namespace.equals(review.getSpec().getNamespace())) {
                role.getRules()
                    .forEach(
                        rule ->
                            status.addToResourceRules(
                                new ResourceRuleBuilder()
                                    .withApiGroups(rule.getApiGroups())
                                    .withResources(rule.getResources())
                                    .withResourceNames(rule.getResourceNames())
                                    .withVerbs(rule.getVerbs())
                                    .build()));
              }
              review.setStatus(status.build());
              return Serialization.asJson(review);
            })
        .always();
  }
}
