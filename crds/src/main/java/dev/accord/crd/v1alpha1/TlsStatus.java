package dev.accord.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/** The server certificate in use. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"secretName", "notAfter"})
public class TlsStatus {

  @JsonPropertyDescription("The Secret holding the servers' certificate (tls.crt, tls.key).")
  private String secretName;

  @JsonPropertyDescription("When the servers' certificate expires (RFC 3339).")
  private String notAfter;

  public String getSecretName() {
    return secretName;
  }

  public void setSecretName(String secretName) {
    this.secretName = secretName;
  }

  public String getNotAfter() {
    return notAfter;
  }

  public void setNotAfter(String notAfter) {
    this.notAfter = notAfter;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TlsStatus that
        && Objects.equals(secretName, that.secretName)
        && Objects.equals(notAfter, that.notAfter);
  }

  @Override
  public int hashCode() {
    return Objects.hash(secretName, notAfter);
  }

  @Override
  public String toString() {
    return "TlsStatus{secretName=" + secretName + ", notAfter=" + notAfter + '}';
  }
}
