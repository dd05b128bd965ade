package dev.accord.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import java.util.Objects;

/** Settings handed to the clients the operator injects. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ClientDefaults {

  public static final String DEFAULT_TTL = "10m";

  @Default(DEFAULT_TTL)
  @Pattern("^[0-9]+(s|m|h)$")
  @JsonPropertyDescription(
      "Lease TTL that injected clients use: a whole number of seconds, minutes or hours,"
          + " such as 30s, 10m or 1h. Default 10m.")
  private String ttl = DEFAULT_TTL;

  public String getTtl() {
    return ttl;
  }

  public void setTtl(String ttl) {
    this.ttl = ttl;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    return o instanceof ClientDefaults && Objects.equals(ttl, ((ClientDefaults) o).ttl);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(ttl);
  }

  @Override
  public String toString() {
    return "ClientDefaults{ttl=" + ttl + '}';
  }
}
