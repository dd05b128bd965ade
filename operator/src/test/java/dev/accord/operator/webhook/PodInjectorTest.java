package dev.accord.operator.webhook;

import static dev.accord.operator.webhook.WebhookFixtures.annotations;
import static dev.accord.operator.webhook.WebhookFixtures.apply;
import static dev.accord.operator.webhook.WebhookFixtures.array;
import static dev.accord.operator.webhook.WebhookFixtures.cluster;
import static dev.accord.operator.webhook.WebhookFixtures.container;
import static dev.accord.operator.webhook.WebhookFixtures.env;
import static dev.accord.operator.webhook.WebhookFixtures.patch;
import static dev.accord.operator.webhook.WebhookFixtures.pod;
import static dev.accord.operator.webhook.WebhookFixtures.readyCluster;
import static dev.accord.operator.webhook.WebhookFixtures.review;
import static dev.accord.operator.webhook.WebhookFixtures.tree;
import static dev.accord.operator.webhook.WebhookFixtures.wire;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.accord.crd.v1alpha1.AccordCluster;
import dev.accord.operator.ConditionReasons;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The webhook's decisions, from the review JSON the API server sends to the JSON patch it gets
 * back, applied to the pod by an independent JSON patch implementation, without HTTP or an API
 * server.
 */
class PodInjectorTest {
  static final String UID = "705ab4f5-6393-11e8-b7cc-42010a800002";
  static final String TARGET = "ACCORD_TARGET=dns:///accord-headless.jobs.svc:7475";
  static final String OWNER = "ACCORD_OWNER<-metadata.name";

  /** The clusters the lookup knows, by "namespace/name", and every lookup made. */
  final Map<String, AccordCluster> clusters = new HashMap<>();

  final List<String> lookups = new ArrayList<>();
  final PodInjector injector =
      new PodInjector(
          (namespace, name) -> {
            lookups.add(namespace + "/" + name);
            return clusters.get(namespace + "/" + name);
          });

  {
    clusters.put("jobs/accord", readyCluster("jobs", "accord", "5m"));
  }

  /**
   * Sends the review through the injector and back out as JSON, checking what every answer must be.
   */
  JsonNode answer(String namespace, String podJson) {
    AdmissionReview in =
        PodInjector.SERIALIZATION.unmarshal(review(UID, namespace, podJson), AdmissionReview.class);
    return wire(injector.review(in), UID);
  }

  static List<String> warnings(JsonNode wire) {
    List<String> warnings = new ArrayList<>();
    wire.path("response").path("warnings").forEach(w -> warnings.add(w.asText()));
    return warnings;
  }

  @Test
  void clusterNamedAloneIsLookedUpInThePodsNamespaceAndItsSettingsAreAdded() {
    String pod = pod(annotations("accord.dev/cluster", "accord"), array(container("worker")), null);

    JsonNode wire = answer("jobs", pod);

    assertThat(lookups).containsExactly("jobs/accord");
    assertThat(warnings(wire)).isEmpty();
    JsonNode patch = patch(wire);
    // A container without env gets the whole array in one operation.
    assertThat(patch).hasSize(1);
    assertThat(patch.get(0).path("op").asText()).isEqualTo("add");
    assertThat(patch.get(0).path("path").asText()).isEqualTo("/spec/containers/0/env");
    assertThat(patch.get(0).path("value"))
        .isEqualTo(
            tree(
                """
        [{"name": "ACCORD_TARGET", "value": "dns:///accord-headless.jobs.svc:7475"},
         {"name": "ACCORD_OWNER", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
         {"name": "ACCORD_TTL", "value": "5m"}]"""));
    Pod patched = apply(pod, patch);
    assertThat(env(patched.getSpec().getContainers().get(0)))
        .containsExactly(TARGET, OWNER, "ACCORD_TTL=5m");
  }

  @Test
  void namespaceSlashNameNamesAClusterInAnotherNamespace() {
    clusters.put("platform/shared", readyCluster("platform", "shared", "1h"));
    String pod =
        pod(annotations("accord.dev/cluster", "platform/shared"), array(container("worker")), null);

    JsonNode wire = answer("jobs", pod);

    assertThat(lookups).containsExactly("platform/shared");
    Pod patched = apply(pod, patch(wire));
    assertThat(env(patched.getSpec().getContainers().get(0)))
        .containsExactly(
            "ACCORD_TARGET=dns:///shared-headless.platform.svc:7475", OWNER, "ACCORD_TTL=1h");
  }

  @Test
  void accordNamespaceAnnotationBecomesAccordNamespace() {
    String pod =
        pod(
            annotations("accord.dev/cluster", "accord", "accord.dev/namespace", "reports/daily"),
            array(container("worker")),
            null);

    Pod patched = apply(pod, patch(answer("jobs", pod)));

    assertThat(env(patched.getSpec().getContainers().get(0)))
        .containsExactly(TARGET, OWNER, "ACCORD_NAMESPACE=reports/daily", "ACCORD_TTL=5m");
  }

  @Test
  void aVariableTheContainerSetsItselfIsKeptAndTheRestAppended() {
    String pod =
        pod(
            annotations("accord.dev/cluster", "accord", "accord.dev/namespace", "reports"),
            array(container("worker", Map.of("ACCORD_TTL", "90s"))),
            null);

    JsonNode patch = patch(answer("jobs", pod));

    // A container with env gets one append per missing variable: its own entries are never touched.
    assertThat(patch).hasSize(3);
    patch.forEach(
        op -> {
          assertThat(op.path("op").asText()).isEqualTo("add");
          assertThat(op.path("path").asText()).isEqualTo("/spec/containers/0/env/-");
        });
    assertThat(env(apply(pod, patch).getSpec().getContainers().get(0)))
        .containsExactly("ACCORD_TTL=90s", TARGET, OWNER, "ACCORD_NAMESPACE=reports");
  }

  @Test
  void initContainersAndEveryContainerGetTheSettingsWithOrWithoutEnv() {
    String pod =
        pod(
            annotations("accord.dev/cluster", "accord"),
            array(container("worker", Map.of("LOG_LEVEL", "debug")), container("sidecar")),
            array(
                container("migrate"),
                container("fetch", Map.of("ACCORD_TARGET", "dns:///elsewhere:7475"))));

    JsonNode patch = patch(answer("jobs", pod));
    Pod patched = apply(pod, patch);

    List<String> paths = new ArrayList<>();
    patch.forEach(op -> paths.add(op.path("path").asText()));
    assertThat(paths)
        .containsExactly(
            "/spec/containers/0/env/-",
            "/spec/containers/0/env/-",
            "/spec/containers/0/env/-",
            "/spec/containers/1/env",
            "/spec/initContainers/0/env",
            "/spec/initContainers/1/env/-",
            "/spec/initContainers/1/env/-");
    assertThat(env(patched.getSpec().getContainers().get(0)))
        .containsExactly("LOG_LEVEL=debug", TARGET, OWNER, "ACCORD_TTL=5m");
    assertThat(env(patched.getSpec().getContainers().get(1)))
        .containsExactly(TARGET, OWNER, "ACCORD_TTL=5m");
    assertThat(env(patched.getSpec().getInitContainers().get(0)))
        .containsExactly(TARGET, OWNER, "ACCORD_TTL=5m");
    assertThat(env(patched.getSpec().getInitContainers().get(1)))
        .containsExactly("ACCORD_TARGET=dns:///elsewhere:7475", OWNER, "ACCORD_TTL=5m");
    // Nothing else changed.
    assertThat(patched.getMetadata())
        .isEqualTo(PodInjector.SERIALIZATION.unmarshal(pod, Pod.class).getMetadata());
  }

  @Test
  void anEmptyEnvArrayIsReplacedWhole() {
    String pod =
        pod(
            annotations("accord.dev/cluster", "accord"),
            array("{\"name\":\"worker\",\"image\":\"w:1\",\"env\":[]}"),
            null);

    JsonNode patch = patch(answer("jobs", pod));

    assertThat(patch).hasSize(1);
    assertThat(patch.get(0).path("path").asText()).isEqualTo("/spec/containers/0/env");
    assertThat(env(apply(pod, patch).getSpec().getContainers().get(0)))
        .containsExactly(TARGET, OWNER, "ACCORD_TTL=5m");
  }

  @Test
  void containersThatSetEverythingThemselvesGetNoPatch() {
    String pod =
        pod(
            annotations("accord.dev/cluster", "accord"),
            array(
                container(
                    "worker",
                    Map.of(
                        "ACCORD_TARGET",
                        "dns:///mine:7475",
                        "ACCORD_OWNER",
                        "me",
                        "ACCORD_TTL",
                        "1h"))),
            null);

    JsonNode wire = answer("jobs", pod);

    assertThat(patch(wire)).isNull();
    assertThat(warnings(wire)).isEmpty();
  }

  @Test
  void theTtlDefaultsToTenMinutesWhenTheClusterSetsNone() {
    clusters.put(
        "jobs/plain",
        cluster(
            "jobs",
            "plain",
            null,
            "dns:///plain-headless.jobs.svc:7475",
            "True",
            ConditionReasons.READY));
    String pod = pod(annotations("accord.dev/cluster", "plain"), array(container("worker")), null);

    assertThat(env(apply(pod, patch(answer("jobs", pod))).getSpec().getContainers().get(0)))
        .containsExactly(
            "ACCORD_TARGET=dns:///plain-headless.jobs.svc:7475", OWNER, "ACCORD_TTL=10m");
  }

  @Test
  void podsWithoutTheAnnotationPassUnchangedWithoutALookup() {
    String pod =
        pod(annotations("accord.dev/namespace", "reports"), array(container("worker")), null);

    JsonNode wire = answer("jobs", pod);

    assertThat(patch(wire)).isNull();
    assertThat(warnings(wire)).isEmpty();
    assertThat(lookups).isEmpty();
    assertThat(wire.path("response").has("status")).isFalse();
  }

  @Test
  void anUnknownClusterLetsThePodThroughUnchangedWithAWarning() {
    String pod = pod(annotations("accord.dev/cluster", "nope"), array(container("worker")), null);

    JsonNode wire = answer("jobs", pod);

    assertThat(patch(wire)).isNull();
    assertThat(warnings(wire))
        .containsExactly(
            "accord.dev/cluster: AccordCluster jobs/nope not found; the pod starts without Accord settings");
  }

  @Test
  void aClusterThatIsNotReadyLetsThePodThroughUnchangedWithAWarning() {
    clusters.put(
        "jobs/broken",
        cluster(
            "jobs",
            "broken",
            "5m",
            "dns:///broken-headless.jobs.svc:7475",
            "False",
            ConditionReasons.SECRET_NOT_FOUND));
    String pod = pod(annotations("accord.dev/cluster", "broken"), array(container("worker")), null);

    JsonNode wire = answer("jobs", pod);

    assertThat(patch(wire)).isNull();
    assertThat(warnings(wire))
        .containsExactly(
            "accord.dev/cluster: AccordCluster jobs/broken is not Ready "
                + "(False: SecretNotFound); the pod starts without Accord settings");
  }

  @Test
  void aClusterWithoutEndpointOrReadyConditionLetsThePodThroughWithAWarning() {
    clusters.put("jobs/new", cluster("jobs", "new", "5m", null, null, null));
    clusters.put(
        "jobs/starting",
        cluster("jobs", "starting", "5m", "dns:///starting-headless.jobs.svc:7475", null, null));
    String newPod = pod(annotations("accord.dev/cluster", "new"), array(container("worker")), null);
    String startingPod =
        pod(annotations("accord.dev/cluster", "starting"), array(container("worker")), null);

    JsonNode newAnswer = answer("jobs", newPod);
    JsonNode startingAnswer = answer("jobs", startingPod);

    assertThat(patch(newAnswer)).isNull();
    assertThat(warnings(newAnswer))
        .containsExactly(
            "accord.dev/cluster: AccordCluster jobs/new has no "
                + "status.endpoint yet; the pod starts without Accord settings");
    assertThat(patch(startingAnswer)).isNull();
    assertThat(warnings(startingAnswer))
        .containsExactly(
            "accord.dev/cluster: AccordCluster jobs/starting has no "
                + "Ready condition yet; the pod starts without Accord settings");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a/b/c", "", " ", "/accord", "jobs/", "Accord", "jobs/under_score", "-x"})
  void aMalformedAnnotationLetsThePodThroughWithAWarningWithoutALookup(String value) {
    String pod = pod(annotations("accord.dev/cluster", value), array(container("worker")), null);

    JsonNode wire = answer("jobs", pod);

    assertThat(patch(wire)).isNull();
    assertThat(lookups).isEmpty();
    assertThat(warnings(wire))
        .containsExactly(
            "accord.dev/cluster: \""
                + value
                + "\" is not NAME or NAMESPACE/NAME; the pod starts without Accord settings");
  }

  @Test
  void aClusterThatCannotBeReadLetsThePodThroughWithAWarning() {
    PodInjector failing =
        new PodInjector(
            (namespace, name) -> {
              throw new IllegalStateException(
                  "Forbidden: accordclusters.accord.dev is forbidden\nsecond line");
            });
    String pod = pod(annotations("accord.dev/cluster", "accord"), array(container("worker")), null);
    AdmissionReview in =
        PodInjector.SERIALIZATION.unmarshal(review(UID, "jobs", pod), AdmissionReview.class);

    JsonNode wire = wire(failing.review(in), UID);

    assertThat(patch(wire)).isNull();
    assertThat(warnings(wire))
        .containsExactly(
            "accord.dev/cluster: AccordCluster jobs/accord could not be read "
                + "(Forbidden: accordclusters.accord.dev is forbidden); the pod starts without Accord settings");
  }

  @Test
  void otherOperationsPassUnchanged() {
    String pod = pod(annotations("accord.dev/cluster", "accord"), array(container("worker")), null);
    String json = review(UID, "jobs", pod).replace("\"CREATE\"", "\"UPDATE\"");

    JsonNode wire =
        wire(
            injector.review(PodInjector.SERIALIZATION.unmarshal(json, AdmissionReview.class)), UID);

    assertThat(patch(wire)).isNull();
    assertThat(lookups).isEmpty();
  }

  @Test
  void theRequestUidIsEchoedForEachReview() {
    String pod = pod(annotations("accord.dev/cluster", "accord"), array(container("worker")), null);
    for (String uid : List.of("a-1", "b-2")) {
      AdmissionReview in =
          PodInjector.SERIALIZATION.unmarshal(review(uid, "jobs", pod), AdmissionReview.class);
      wire(injector.review(in), uid);
    }
  }
}
