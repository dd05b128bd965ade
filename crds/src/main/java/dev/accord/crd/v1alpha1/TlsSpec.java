package dev.accord.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Default;
import java.util.Objects;

/** TLS on the servers' gRPC port: on by default, with a certificate the operator issues. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"enabled", "issuerRef"})
public class TlsSpec {

  @Default("true")
  @JsonPropertyDescription(
      "Whether the servers serve TLS. Default true. false: plaintext gRPC, for development only.")
  private Boolean enabled = true;

  @JsonPropertyDescription(
      "A cert-manager Issuer or ClusterIssuer to issue the server certificate instead of the"
          + " operator's own per-cluster CA. The operator then creates a cert-manager Certificate"
          + " and mounts its Secret; cert-manager must be installed.")
  private IssuerRef issuerRef;

  /** Whether TLS is on: unless {@code enabled} is explicitly false. */
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

  public IssuerRef getIssuerRef() {
    return issuerRef;
  }

  public void setIssuerRef(IssuerRef issuerRef) {
    this.issuerRef = issuerRef;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TlsSpec that
        && Objects.equals(enabled, that.enabled)
        && Objects.equals(issuerRef, that.issuerRef);
  }

  @Override
  public int hashCode() {
    return Objects.hash(enabled, issuerRef);
  }

  @Override
  public String toString() {
    return "TlsSpec{enabled=" + enabled + ", issuerRef=" + issuerRef + '}';
  }
}
