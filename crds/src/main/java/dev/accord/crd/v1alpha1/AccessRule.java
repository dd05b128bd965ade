package dev.accord.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Objects;

/**
 * Who may do what in which Accord namespaces: ServiceAccounts and groups, a list of namespace
 * patterns, and a role. Rendered into the servers' access file.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"serviceAccounts", "groups", "namespaces", "role"})
@ValidationRule(
    value =
        "(has(self.serviceAccounts) && size(self.serviceAccounts) > 0)"
            + " || (has(self.groups) && size(self.groups) > 0)",
    message = "a rule needs at least one of serviceAccounts or groups")
public class AccessRule {
  public static final String WORKER = "worker";
  public static final String READER = "reader";
  public static final String ADMIN = "admin";

  @Size(max = 64)
  @JsonPropertyDescription("ServiceAccounts this rule applies to.")
  private List<ServiceAccountRef> serviceAccounts;

  @JsonPropertyDescription(
      "Kubernetes groups this rule applies to, such as system:serviceaccounts:jobs (every"
          + " ServiceAccount of namespace jobs).")
  @Size(max = 64)
  private List<String> groups;

  @Required
  @Size(min = 1, max = 64)
  @JsonPropertyDescription(
      "Accord namespaces: exact, a trailing * for a prefix, * for all; ${namespace} stands for the"
          + " caller's Kubernetes namespace.")
  private List<String> namespaces;

  @Required
  @Pattern("^(worker|reader|admin)$")
  @JsonPropertyDescription(
      "worker: Acquire, Claim, Renew, Done, Watch, List; reader: List and Watch; admin: all.")
  private String role;

  public List<ServiceAccountRef> getServiceAccounts() {
    return serviceAccounts;
  }

  public void setServiceAccounts(List<ServiceAccountRef> serviceAccounts) {
    this.serviceAccounts = serviceAccounts;
  }

  public List<String> getGroups() {
    return groups;
  }

  public void setGroups(List<String> groups) {
    this.groups = groups;
  }

  public List<String> getNamespaces() {
    return namespaces;
  }

  public void setNamespaces(List<String> namespaces) {
    this.namespaces = namespaces;
  }

  public String getRole() {
    return role;
  }

  public void setRole(String role) {
    this.role = role;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AccessRule that
        && Objects.equals(serviceAccounts, that.serviceAccounts)
        && Objects.equals(groups, that.groups)
        && Objects.equals(namespaces, that.namespaces)
        && Objects.equals(role, that.role);
  }

  @Override
  public int hashCode() {
    return Objects.hash(serviceAccounts, groups, namespaces, role);
  }

  @Override
  public String toString() {
    return "AccessRule{serviceAccounts="
        + serviceAccounts
        + ", groups="
        + groups
        + ", namespaces="
        + namespaces
        + ", role="
        + role
        + '}';
  }
}
