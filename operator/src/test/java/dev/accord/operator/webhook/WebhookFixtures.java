package dev.accord.operator.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.accord.crd.v1alpha1.AccordCluster;
import dev.accord.crd.v1alpha1.AccordClusterSpec;
import dev.accord.crd.v1alpha1.AccordClusterStatus;
import dev.accord.crd.v1alpha1.ClientDefaults;
import dev.accord.crd.v1alpha1.ConditionTypes;
import dev.accord.operator.ConditionReasons;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.zjsonpatch.JsonPatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/** Reviews as the API server sends them, clusters, and applying the webhook's answer to the pod. */
final class WebhookFixtures {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String ENDPOINT = "dns:///accord-headless.jobs.svc:7475";

  private WebhookFixtures() {}

  /**
   * An AdmissionReview (v1) for creating {@code podJson} in {@code namespace}, as the API server
   * sends it.
   */
  static String review(String uid, String namespace, String podJson) {
    return """
        {
          "apiVersion": "admission.k8s.io/v1",
          "kind": "AdmissionReview",
          "request": {
            "uid": "%s",
            "kind": {"group": "", "version": "v1", "kind": "Pod"},
            "resource": {"group": "", "version": "v1", "resource": "pods"},
            "requestKind": {"group": "", "version": "v1", "kind": "Pod"},
            "requestResource": {"group": "", "version": "v1", "resource": "pods"},
            "namespace": "%s",
            "operation": "CREATE",
            "userInfo": {"username": "system:serviceaccount:kube-system:job-controller",
                         "groups": ["system:serviceaccounts", "system:authenticated"]},
            "object": %s,
            "oldObject": null,
            "dryRun": false,
            "options": {"kind": "CreateOptions", "apiVersion": "meta.k8s.io/v1"}
          }
        }
        """
        .formatted(uid, namespace, podJson);
  }

  /**
   * A pod (as JSON, with generateName as a Job's pods have) with the given annotations (a map of
   * JSON-ready strings) and containers and init containers given as JSON arrays.
   */
  static String pod(Map<String, String> annotations, String containers, String initContainers) {
    StringBuilder pod = new StringBuilder();
    pod.append(
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"generateName\":\"worker-\",")
        .append("\"labels\":{\"app\":\"worker\"}");
    if (!annotations.isEmpty()) {
      pod.append(",\"annotations\":").append(json(annotations));
    }
    pod.append("},\"spec\":{\"restartPolicy\":\"Never\",\"containers\":").append(containers);
    if (initContainers != null) {
      pod.append(",\"initContainers\":").append(initContainers);
    }
    pod.append("}}");
    return pod.toString();
  }

  static String container(String name) {
    return "{\"name\":\"" + name + "\",\"image\":\"registry.example/worker:1\"}";
  }

  /** A container with environment variables set by value. */
  static String container(String name, Map<String, String> env) {
    StringBuilder out =
        new StringBuilder(
            "{\"name\":\"" + name + "\",\"image\":\"registry.example/worker:1\",\"env\":[");
    boolean first = true;
    for (Map.Entry<String, String> entry : env.entrySet()) {
      out.append(first ? "" : ",")
          .append("{\"name\":")
          .append(json(entry.getKey()))
          .append(",\"value\":")
          .append(json(entry.getValue()))
          .append('}');
      first = false;
    }
    return out.append("]}").toString();
  }

  static String array(String... items) {
    return "[" + String.join(",", items) + "]";
  }

  static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The answer as it goes on the wire, checked for what every answer must be. */
  static JsonNode wire(
      io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview answer, String uid) {
    JsonNode node = tree(PodInjector.SERIALIZATION.asJson(answer));
    assertThat(node.path("apiVersion").asText()).as("apiVersion").isEqualTo("admission.k8s.io/v1");
    assertThat(node.path("kind").asText()).as("kind").isEqualTo("AdmissionReview");
    assertThat(node.path("response").path("uid").asText()).as("response.uid").isEqualTo(uid);
    assertThat(node.path("response").path("allowed").isBoolean())
        .as("response.allowed is a boolean")
        .isTrue();
    assertThat(node.path("response").path("allowed").asBoolean()).as("response.allowed").isTrue();
    assertThat(node.has("request")).as("the request is not echoed").isFalse();
    return node;
  }

  /** The JSON patch of an answer (decoded), or null when it has none. */
  static JsonNode patch(JsonNode wire) {
    JsonNode response = wire.path("response");
    if (!response.hasNonNull("patch")) {
      assertThat(response.has("patchType")).as("patchType without a patch").isFalse();
      return null;
    }
    assertThat(response.path("patchType").asText()).as("patchType").isEqualTo("JSONPatch");
    byte[] bytes = Base64.getDecoder().decode(response.path("patch").asText());
    JsonNode patch = tree(new String(bytes, StandardCharsets.UTF_8));
    assertThat(patch.isArray()).as("the patch is a JSON array").isTrue();
    return patch;
  }

  /**
   * The pod after applying the patch (RFC 6902, by zjsonpatch: independent of the code under test).
   */
  static Pod apply(String podJson, JsonNode patch) {
    JsonNode patched = JsonPatch.apply(patch, tree(podJson));
    return PodInjector.SERIALIZATION.unmarshal(patched.toString(), Pod.class);
  }

  /** A container's environment, as "NAME=value" or "NAME<-fieldPath", in order. */
  static List<String> env(Container container) {
    return container.getEnv().stream().map(WebhookFixtures::describe).toList();
  }

  static String describe(EnvVar variable) {
    if (variable.getValueFrom() != null && variable.getValueFrom().getFieldRef() != null) {
      return variable.getName() + "<-" + variable.getValueFrom().getFieldRef().getFieldPath();
    }
    return variable.getName() + "=" + variable.getValue();
  }

  static Map<String, String> annotations(String... keysAndValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  /** An AccordCluster with an endpoint and a Ready condition of the given status and reason. */
  static AccordCluster cluster(
      String namespace, String name, String ttl, String endpoint, String ready, String reason) {
    AccordCluster cluster = new AccordCluster();
    cluster.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    AccordClusterSpec spec = new AccordClusterSpec();
    if (ttl == null) {
      spec.setClientDefaults(null);
    } else {
      ClientDefaults defaults = new ClientDefaults();
      defaults.setTtl(ttl);
      spec.setClientDefaults(defaults);
    }
    cluster.setSpec(spec);
    AccordClusterStatus status = new AccordClusterStatus();
    status.setEndpoint(endpoint);
    if (ready != null) {
      status.setConditions(
          List.of(
              new ConditionBuilder()
                  .withType(ConditionTypes.READY)
                  .withStatus(ready)
                  .withReason(reason)
                  .withMessage("see the reason")
                  .withLastTransitionTime("2026-11-29T00:00:00Z")
                  .build()));
    }
    cluster.setStatus(status);
    return cluster;
  }

  static AccordCluster readyCluster(String namespace, String name, String ttl) {
    return cluster(
        namespace,
        name,
        ttl,
        ENDPOINT.replace("accord-headless.jobs", name + "-headless." + namespace),
        "True",
        ConditionReasons.READY);
  }

  /** A clock tests move by hand. */
  static final class MutableClock extends Clock {
    private final AtomicReference<Instant> now;

    MutableClock(Instant start) {
      this.now = new AtomicReference<>(start);
    }

    void set(Instant instant) {
      now.set(instant);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  }
}
