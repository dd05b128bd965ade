package dev.accord.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import java.util.Objects;

/** Who is calling: Kubernetes ServiceAccount tokens, checked by the servers, on by default. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AuthSpec {

  @Default("true")
  @JsonPropertyDescription(
      "Whether the servers require a Kubernetes ServiceAccount token (ACCORD_AUTH=kubernetes) and"
          + " enforce spec.access. Default true. false: every caller may do everything, for"
          + " development only.")
  private Boolean enabled = true;

  /** Whether authentication is on: unless {@code enabled} is explicitly false. */
  @JsonIgnore
  public boolean isOn() {
    return !Boolean.FALSE.equals(enabled);
  }

  public Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AuthSpec that && Objects.equals(enabled, that.enabled);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(enabled);
  }

  @Override
  public String toString() {
    return "AuthSpec{enabled=" + enabled + '}';
  }
}
