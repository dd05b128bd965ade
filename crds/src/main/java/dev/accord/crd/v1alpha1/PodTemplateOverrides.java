package dev.accord.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Additions to the pod template of the Accord servers. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "labels",
  "annotations",
  "nodeSelector",
  "tolerations",
  "affinity",
  "priorityClassName",
  "topologySpreadConstraints"
})
public class PodTemplateOverrides {

  @JsonPropertyDescription(
      "Labels added to the pods. The operator's own selector labels take precedence.")
  private Map<String, String> labels;

  @JsonPropertyDescription("Annotations added to the pods.")
  private Map<String, String> annotations;

  @JsonPropertyDescription("Node selector of the pods.")
  private Map<String, String> nodeSelector;

  @JsonPropertyDescription("Tolerations of the pods.")
  private List<Toleration> tolerations;

  @JsonPropertyDescription(
      "Affinity of the pods. When not set, the operator may add a preferred pod anti-affinity"
          + " that spreads the servers over nodes.")
  private Affinity affinity;

  @JsonPropertyDescription("PriorityClass of the pods.")
  private String priorityClassName;

  @JsonPropertyDescription("Topology spread constraints of the pods.")
  private List<TopologySpreadConstraint> topologySpreadConstraints;

  public Map<String, String> getLabels() {
    return labels;
  }

  public void setLabels(Map<String, String> labels) {
    this.labels = labels;
  }

  public Map<String, String> getAnnotations() {
    return annotations;
  }

  public void setAnnotations(Map<String, String> annotations) {
    this.annotations = annotations;
  }

  public Map<String, String> getNodeSelector() {
    return nodeSelector;
  }

  public void setNodeSelector(Map<String, String> nodeSelector) {
    this.nodeSelector = nodeSelector;
  }

  public List<Toleration> getTolerations() {
    return tolerations;
  }

  public void setTolerations(List<Toleration> tolerations) {
    this.tolerations = tolerations;
  }

  public Affinity getAffinity() {
    return affinity;
  }

  public void setAffinity(Affinity affinity) {
    this.affinity = affinity;
  }

  public String getPriorityClassName() {
    return priorityClassName;
  }

  public void setPriorityClassName(String priorityClassName) {
    this.priorityClassName = priorityClassName;
  }

  public List<TopologySpreadConstraint> getTopologySpreadConstraints() {
    return topologySpreadConstraints;
  }

  public void setTopologySpreadConstraints(
      List<TopologySpreadConstraint> topologySpreadConstraints) {
    this.topologySpreadConstraints = topologySpreadConstraints;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof PodTemplateOverrides)) {
      return false;
    }
    PodTemplateOverrides that = (PodTemplateOverrides) o;
    return Objects.equals(labels, that.labels)
        && Objects.equals(annotations, that.annotations)
        && Objects.equals(nodeSelector, that.nodeSelector)
        && Objects.equals(tolerations, that.tolerations)
        && Objects.equals(affinity, that.affinity)
        && Objects.equals(priorityClassName, that.priorityClassName)
        && Objects.equals(topologySpreadConstraints, that.topologySpreadConstraints);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        labels,
        annotations,
        nodeSelector,
        tolerations,
        affinity,
        priorityClassName,
        topologySpreadConstraints);
  }

  @Override
  public String toString() {
    return "PodTemplateOverrides{labels="
        + labels
        + ", annotations="
        + annotations
        + ", nodeSelector="
        + nodeSelector
        + ", tolerations="
        + tolerations
        + ", affinity="
        + affinity
        + ", priorityClassName="
        + priorityClassName
        + ", topologySpreadConstraints="
        + topologySpreadConstraints
        + '}';
  }
}
