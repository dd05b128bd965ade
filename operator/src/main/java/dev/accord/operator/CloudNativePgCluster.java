package dev.accord.operator;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.javaoperatorsdk.operator.processing.GroupVersionKind;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the operator saw of the CloudNativePG {@code Cluster} an AccordCluster names, read as a
 * generic resource so that the operator needs no CloudNativePG library and runs where CloudNativePG
 * is not installed.
 *
 * @param name the Cluster's name (spec.postgres.cloudNativePG.cluster)
 * @param installed whether CloudNativePG's Cluster CRD exists
 * @param resource the Cluster, when it exists in the AccordCluster's namespace
 */
public record CloudNativePgCluster(
    String name, boolean installed, Optional<GenericKubernetesResource> resource) {

  public static final String GROUP = "postgresql.cnpg.io";
  public static final String API_VERSION = GROUP + "/v1";
  public static final String KIND = "Cluster";
  public static final String CRD = "clusters." + GROUP;
  public static final GroupVersionKind GVK = new GroupVersionKind(GROUP, "v1", KIND);

  // CloudNativePG's Cluster status (api/v1/cluster_types.go): the condition type "Ready"
  // (ConditionClusterReady), and the phase "Cluster in healthy state" (PhaseHealthy), which older
  // versions without the condition report alone.
  static final String READY_CONDITION = "Ready";
  static final String HEALTHY_PHASE = "Cluster in healthy state";

  /** CloudNativePG is not installed: there is no Cluster to look at. */
  public static CloudNativePgCluster notInstalled(String name) {
    return new CloudNativePgCluster(name, false, Optional.empty());
  }

  /**
   * Whether the Cluster says it is ready: its Ready condition when it has one, otherwise its phase.
   */
  public boolean ready() {
    Optional<Map<?, ?>> condition = readyCondition();
    if (condition.isPresent()) {
      return "True".equals(condition.get().get("status"));
    }
    return HEALTHY_PHASE.equals(status().get("phase"));
  }

  /**
   * What the Cluster says about its state, for a condition message: its phase and Ready message.
   */
  public String describe() {
    Object phase = status().get("phase");
    Object message = readyCondition().map(c -> c.get("message")).orElse(null);
    if (phase == null && message == null) {
      return "no status reported yet";
    }
    if (message == null || message.equals(phase)) {
      return "phase \"" + phase + "\"";
    }
    return (phase == null ? "" : "phase \"" + phase + "\", ") + "Ready: " + message;
  }

  private Optional<Map<?, ?>> readyCondition() {
    if (!(status().get("conditions") instanceof List<?> conditions)) {
      return Optional.empty();
    }
    return conditions.stream()
        .filter(Map.class::isInstance)
        .<Map<?, ?>>map(Map.class::cast)
        .filter(c -> READY_CONDITION.equals(c.get("type")))
        .findFirst();
  }

  private Map<?, ?> status() {
    return resource
        .map(r -> r.getAdditionalProperties().get("status"))
        .filter(Map.class::isInstance)
        .<Map<?, ?>>map(Map.class::cast)
        .orElse(Map.of());
  }
}
