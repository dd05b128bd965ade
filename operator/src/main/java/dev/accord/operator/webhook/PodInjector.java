package dev.accord.operator.webhook;

import dev.accord.crd.v1alpha1.AccordCluster;
import dev.accord.crd.v1alpha1.ClientDefaults;
import dev.accord.crd.v1alpha1.ConditionTypes;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook's decision for one pod, without any HTTP: an {@link AdmissionReview} in, an
 * AdmissionReview out.
 *
 * <p>A pod annotated {@code accord.dev/cluster: NAME} (an AccordCluster in the pod's namespace) or
 * {@code NAMESPACE/NAME} gets, in every container and init container that does not set them already
 * (by name in {@code env}): {@code ACCORD_TARGET} (the cluster's {@code status.endpoint}), {@code
 * ACCORD_OWNER} (the pod's name, through the downward API), {@code ACCORD_NAMESPACE} (the
 * annotation {@code accord.dev/namespace}, only when the pod has it) and {@code ACCORD_TTL} (the
 * cluster's {@code spec.clientDefaults.ttl}, default 10m), as a JSON patch.
 *
 * <p>It never denies: a pod without the annotation passes unchanged; an annotation that names no
 * usable cluster (malformed, not found, without an endpoint, not Ready, or unreadable) lets the pod
 * through unchanged with an admission warning saying why, so a webhook problem never blocks a
 * rollout.
 */
public final class PodInjector {
  private static final Logger log = LoggerFactory.getLogger(PodInjector.class);

  public static final String CLUSTER_ANNOTATION = "accord.dev/cluster";
  public static final String NAMESPACE_ANNOTATION = "accord.dev/namespace";
  public static final String TARGET = "ACCORD_TARGET";
  public static final String OWNER = "ACCORD_OWNER";
  public static final String NAMESPACE = "ACCORD_NAMESPACE";
  public static final String TTL = "ACCORD_TTL";
  public static final String API_VERSION = "admission.k8s.io/v1";
  public static final String KIND = "AdmissionReview";
  static final String WITHOUT_SETTINGS = "; the pod starts without Accord settings";

  /** DNS-1123 label (namespaces) and subdomain (object names). */
  private static final Pattern LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$");

  private static final Pattern SUBDOMAIN =
      Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");

  /** Reads and writes AdmissionReviews and pods the way the API server does. */
  static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  /** Finds an AccordCluster. */
  @FunctionalInterface
  public interface ClusterLookup {
    /**
     * The AccordCluster {@code namespace/name}, or null when there is none.
     *
     * @throws RuntimeException when it cannot be read (the pod then passes with a warning)
     */
    AccordCluster find(String namespace, String name);
  }

  /** Reads AccordClusters from the API server, one GET per annotated pod. */
  public static ClusterLookup lookupWith(KubernetesClient client) {
    return (namespace, name) ->
        client.resources(AccordCluster.class).inNamespace(namespace).withName(name).get();
  }

  private final ClusterLookup clusters;
  private final PodCredentials.CaBundles caBundles;

  /** Injects the settings only, never credentials: for clusters with TLS and auth off. */
  public PodInjector(ClusterLookup clusters) {
    this.clusters = Objects.requireNonNull(clusters, "clusters");
    this.caBundles = null;
  }

  /**
   * Injects the settings and, for clusters with TLS or authentication on, the credentials ({@link
   * PodCredentials}), with the CA mounted from what {@code caBundles} names.
   */
  public PodInjector(ClusterLookup clusters, PodCredentials.CaBundles caBundles) {
    this.clusters = Objects.requireNonNull(clusters, "clusters");
    this.caBundles = Objects.requireNonNull(caBundles, "caBundles");
  }

  /**
   * The answer to a review: allowed, with a JSON patch when there is something to inject, with a
   * warning when the annotation names no usable cluster. Never throws for a review with a request.
   */
  public AdmissionReview review(AdmissionReview review) {
    AdmissionRequest request = review.getRequest();
    if (request == null) {
      throw new IllegalArgumentException("an AdmissionReview without a request");
    }
    String uid = request.getUid();
    if (request.getOperation() != null && !"CREATE".equals(request.getOperation())) {
      return allowed(uid, null, List.of());
    }
    Pod pod;
    try {
      pod =
          request.getObject() == null
              ? null
              : SERIALIZATION.convertValue(request.getObject(), Pod.class);
    } catch (RuntimeException e) {
      pod = null;
    }
    if (pod == null || pod.getSpec() == null) {
      return allowed(uid, null, List.of());
    }
    Map<String, String> annotations =
        pod.getMetadata() == null || pod.getMetadata().getAnnotations() == null
            ? Map.of()
            : pod.getMetadata().getAnnotations();
    String reference = annotations.get(CLUSTER_ANNOTATION);
    if (reference == null) {
      return allowed(uid, null, List.of());
    }
    String podNamespace =
        firstNonBlank(
            request.getNamespace(),
            pod.getMetadata() == null ? null : pod.getMetadata().getNamespace());
    String podName = podName(pod, request, podNamespace);

    Resolution resolution = resolve(reference, podNamespace);
    if (resolution.warning() != null) {
      log.info("Pod {}: {}", podName, resolution.warning());
      return allowed(uid, null, List.of(resolution.warning()));
    }
    AccordCluster cluster = resolution.cluster();
    PodCredentials credentials = PodCredentials.NONE;
    if (caBundles != null) {
      try {
        credentials = PodCredentials.of(cluster, podNamespace, caBundles);
      } catch (RuntimeException e) {
        String warning =
            "AccordCluster "
                + cluster.getMetadata().getNamespace()
                + "/"
                + cluster.getMetadata().getName()
                + ": its CA cannot be mounted ("
                + shortMessage(e)
                + ")"
                + WITHOUT_SETTINGS;
        log.info("Pod {}: {}", podName, warning);
        return allowed(uid, null, List.of(warning));
      }
    }
    List<EnvVar> wanted = new ArrayList<>(settings(cluster, annotations.get(NAMESPACE_ANNOTATION)));
    wanted.addAll(credentials.env());
    List<Map<String, Object>> patch = new ArrayList<>();
    patchContainers(patch, "/spec/containers", pod.getSpec().getContainers(), wanted);
    patchContainers(patch, "/spec/initContainers", pod.getSpec().getInitContainers(), wanted);
    credentials.patch(patch, pod.getSpec());
    if (patch.isEmpty()) {
      log.debug(
          "Pod {}: every container sets the Accord settings itself; nothing to inject", podName);
      return allowed(uid, null, List.of());
    }
    log.debug(
        "Pod {}: injecting the settings of AccordCluster {}/{} ({} patch operations)",
        podName,
        cluster.getMetadata().getNamespace(),
        cluster.getMetadata().getName(),
        patch.size());
    return allowed(uid, SERIALIZATION.asJson(patch), List.of());
  }

  /** The cluster the annotation names, or why there is none to use. */
  private record Resolution(AccordCluster cluster, String warning) {}

  private Resolution resolve(String reference, String podNamespace) {
    String value = reference.strip();
    String[] parts = value.split("/", -1);
    String namespace;
    String name;
    if (parts.length == 1) {
      namespace = podNamespace;
      name = parts[0];
    } else if (parts.length == 2) {
      namespace = parts[0];
      name = parts[1];
    } else {
      return malformed(reference);
    }
    if (namespace == null
        || !LABEL.matcher(namespace).matches()
        || name.length() > 253
        || !SUBDOMAIN.matcher(name).matches()) {
      return malformed(reference);
    }
    String what = CLUSTER_ANNOTATION + ": AccordCluster " + namespace + "/" + name;
    AccordCluster cluster;
    try {
      cluster = clusters.find(namespace, name);
    } catch (RuntimeException e) {
      return new Resolution(
          null, what + " could not be read (" + shortMessage(e) + ")" + WITHOUT_SETTINGS);
    }
    if (cluster == null) {
      return new Resolution(null, what + " not found" + WITHOUT_SETTINGS);
    }
    if (cluster.getStatus() == null || isBlank(cluster.getStatus().getEndpoint())) {
      return new Resolution(null, what + " has no status.endpoint yet" + WITHOUT_SETTINGS);
    }
    Optional<Condition> ready =
        cluster.getStatus().getConditions() == null
            ? Optional.empty()
            : cluster.getStatus().getConditions().stream()
                .filter(c -> ConditionTypes.READY.equals(c.getType()))
                .findFirst();
    if (ready.isEmpty()) {
      return new Resolution(null, what + " has no Ready condition yet" + WITHOUT_SETTINGS);
    }
    if (!"True".equals(ready.get().getStatus())) {
      String reason = isBlank(ready.get().getReason()) ? "" : ": " + ready.get().getReason();
      return new Resolution(
          null,
          what + " is not Ready (" + ready.get().getStatus() + reason + ")" + WITHOUT_SETTINGS);
    }
    return new Resolution(cluster, null);
  }

  private static Resolution malformed(String reference) {
    return new Resolution(
        null,
        CLUSTER_ANNOTATION
            + ": \""
            + abbreviate(reference, 80)
            + "\" is not NAME or NAMESPACE/NAME"
            + WITHOUT_SETTINGS);
  }

  /** The variables to inject, in this order. */
  static List<EnvVar> settings(AccordCluster cluster, String accordNamespace) {
    List<EnvVar> env = new ArrayList<>();
    env.add(
        new EnvVarBuilder().withName(TARGET).withValue(cluster.getStatus().getEndpoint()).build());
    env.add(
        new EnvVarBuilder()
            .withName(OWNER)
            .withNewValueFrom()
            .withNewFieldRef()
            .withFieldPath("metadata.name")
            .endFieldRef()
            .endValueFrom()
            .build());
    if (accordNamespace != null) {
      env.add(new EnvVarBuilder().withName(NAMESPACE).withValue(accordNamespace).build());
    }
    String ttl =
        cluster.getSpec() == null
                || cluster.getSpec().getClientDefaults() == null
                || isBlank(cluster.getSpec().getClientDefaults().getTtl())
            ? ClientDefaults.DEFAULT_TTL
            : cluster.getSpec().getClientDefaults().getTtl();
    env.add(new EnvVarBuilder().withName(TTL).withValue(ttl).build());
    return env;
  }

  /**
   * JSON patch operations adding the wanted variables a container does not set: the whole {@code
   * env} array when it has none (an "add" of an existing empty array replaces it, so both cases are
   * safe), else one append each.
   */
  private static void patchContainers(
      List<Map<String, Object>> patch,
      String path,
      List<Container> containers,
      List<EnvVar> wanted) {
    if (containers == null) {
      return;
    }
    for (int i = 0; i < containers.size(); i++) {
      List<EnvVar> existing = containers.get(i).getEnv();
      Set<String> set =
          existing == null
              ? Set.of()
              : existing.stream()
                  .map(EnvVar::getName)
                  .filter(Objects::nonNull)
                  .collect(Collectors.toSet());
      List<EnvVar> missing = wanted.stream().filter(e -> !set.contains(e.getName())).toList();
      if (missing.isEmpty()) {
        continue;
      }
      if (existing == null || existing.isEmpty()) {
        patch.add(operation(path + "/" + i + "/env", missing));
      } else {
        for (EnvVar variable : missing) {
          patch.add(operation(path + "/" + i + "/env/-", variable));
        }
      }
    }
  }

  static Map<String, Object> operation(String path, Object value) {
    Map<String, Object> operation = new LinkedHashMap<>();
    operation.put("op", "add");
    operation.put("path", path);
    operation.put("value", value);
    return operation;
  }

  /**
   * An allowing response, with a JSON patch (the patch's JSON text, not yet base64) and warnings
   * when given.
   */
  static AdmissionReview allowed(String uid, String jsonPatch, List<String> warnings) {
    AdmissionResponse response = new AdmissionResponse();
    response.setUid(uid);
    response.setAllowed(true);
    if (jsonPatch != null) {
      response.setPatchType("JSONPatch");
      response.setPatch(
          Base64.getEncoder().encodeToString(jsonPatch.getBytes(StandardCharsets.UTF_8)));
    }
    if (!warnings.isEmpty()) {
      response.setWarnings(new ArrayList<>(warnings));
    }
    AdmissionReview review = new AdmissionReview();
    review.setApiVersion(API_VERSION);
    review.setKind(KIND);
    review.setResponse(response);
    return review;
  }

  private static String podName(Pod pod, AdmissionRequest request, String namespace) {
    ObjectMeta meta = pod.getMetadata();
    String name = firstNonBlank(meta == null ? null : meta.getName(), request.getName());
    if (name == null && meta != null && meta.getGenerateName() != null) {
      name = meta.getGenerateName() + "*";
    }
    return (namespace == null ? "" : namespace + "/") + (name == null ? "(unnamed)" : name);
  }

  private static String shortMessage(Throwable error) {
    String message =
        error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
    return abbreviate(message.lines().findFirst().orElse(message), 120);
  }

  private static String abbreviate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }

  private static String firstNonBlank(String a, String b) {
    return !isBlank(a) ? a : !isBlank(b) ? b : null;
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }
}
