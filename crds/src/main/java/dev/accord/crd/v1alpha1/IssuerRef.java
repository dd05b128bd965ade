package dev.accord.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

/** A cert-manager issuer, as cert-manager's own {@code issuerRef} names one. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"name", "kind", "group"})
public class IssuerRef {
  public static final String ISSUER = "Issuer";
  public static final String CLUSTER_ISSUER = "ClusterIssuer";
  public static final String CERT_MANAGER_GROUP = "cert-manager.io";

  @Required
  @Size(min = 1, max = 253)
  @JsonPropertyDescription("Name of the Issuer (in the cluster's namespace) or ClusterIssuer.")
  private String name;

  @Default(ISSUER)
  @Pattern("^(Issuer|ClusterIssuer)$")
  @JsonPropertyDescription("Issuer (default) or ClusterIssuer.")
  private String kind = ISSUER;

  @Default(CERT_MANAGER_GROUP)
  @JsonPropertyDescription("API group of the issuer. Default cert-manager.io.")
  private String group = CERT_MANAGER_GROUP;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getKind() {
    return kind;
  }

  public void setKind(String kind) {
    this.kind = kind;
  }

  public String getGroup() {
    return group;
  }

  public void setGroup(String group) {
    this.group = group;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IssuerRef that
        && Objects.equals(name, that.name)
        && Objects.equals(kind, that.kind)
        && Objects.equals(group, that.group);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, kind, group);
  }

  @Override
  public String toString() {
    return "IssuerRef{name=" + name + ", kind=" + kind + ", group=" + group + '}';
  }
}
