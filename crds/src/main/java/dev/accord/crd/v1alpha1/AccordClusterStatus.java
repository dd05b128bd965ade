package dev.accord.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import java.util.List;
import java.util.Objects;

/**
 * Observed state of an {@link AccordCluster}, written by the operator. There is no {@code phase}:
 * the {@code conditions} (types in {@link ConditionTypes}) say what is going on.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "observedGeneration",
  "replicas",
  "readyReplicas",
  "selector",
  "endpoint",
  "backend",
  "tls",
  "conditions"
})
public class AccordClusterStatus {

  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  @StatusReplicas
  @JsonPropertyDescription(
      "Number of Accord server pods (the scale subresource's status replicas).")
  private Integer replicas;

  @JsonPropertyDescription("Number of Accord server pods that are ready.")
  private Integer readyReplicas;

  @LabelSelector
  @JsonPropertyDescription(
      "Label selector of the Accord server pods, in string form (the scale subresource's"
          + " labelSelectorPath, so that a HorizontalPodAutoscaler can target the cluster).")
  private String selector;

  @JsonPropertyDescription(
      "host:port that clients in the cluster connect to (the Service's DNS name and port).")
  private String endpoint;

  @JsonPropertyDescription(
      "Which PostgreSQL backs the cluster: external, managed or cloudNativePG.")
  private String backend;

  @JsonPropertyDescription("The servers' certificate, while TLS is on.")
  private TlsStatus tls;

  @JsonPropertyDescription(
      "Latest observations of the cluster's state. Types: Ready, BackendReady, Progressing,"
          + " Degraded, TLSReady.")
  private List<Condition> conditions;

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public Integer getReadyReplicas() {
    return readyReplicas;
  }

  public void setReadyReplicas(Integer readyReplicas) {
    this.readyReplicas = readyReplicas;
  }

  public String getSelector() {
    return selector;
  }

  public void setSelector(String selector) {
    this.selector = selector;
  }

  public String getEndpoint() {
    return endpoint;
  }

  public void setEndpoint(String endpoint) {
    this.endpoint = endpoint;
  }

  public String getBackend() {
    return backend;
  }

  public void setBackend(String backend) {
    this.backend = backend;
  }

  public TlsStatus getTls() {
    return tls;
  }

  public void setTls(TlsStatus tls) {
    this.tls = tls;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof AccordClusterStatus)) {
      return false;
    }
    AccordClusterStatus that = (AccordClusterStatus) o;
    return Objects.equals(observedGeneration, that.observedGeneration)
        && Objects.equals(replicas, that.replicas)
        && Objects.equals(readyReplicas, that.readyReplicas)
        && Objects.equals(selector, that.selector)
        && Objects.equals(endpoint, that.endpoint)
        && Objects.equals(backend, that.backend)
        && Objects.equals(tls, that.tls)
        && Objects.equals(conditions, that.conditions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        observedGeneration, replicas, readyReplicas, selector, endpoint, backend, tls, conditions);
  }

  @Override
  public String toString() {
    return "AccordClusterStatus{observedGeneration="
        + observedGeneration
        + ", replicas="
        + replicas
        + ", readyReplicas="
        + readyReplicas
        + ", selector="
        + selector
        + ", endpoint="
        + endpoint
        + ", backend="
        + backend
        + ", tls="
        + tls
        + ", conditions="
        + conditions
        + '}';
  }
}
