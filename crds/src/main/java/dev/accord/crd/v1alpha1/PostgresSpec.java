package dev.accord.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * Where the leases live: exactly one of {@link #getExternal() external} and {@link #getManaged()
 * managed} is set (a CEL rule on {@code spec.postgres} enforces it).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"external", "managed"})
public class PostgresSpec {

  /** {@code status.backend} when {@code external} is set. */
  public static final String BACKEND_EXTERNAL = "external";

  /** {@code status.backend} when {@code managed} is set. */
  public static final String BACKEND_MANAGED = "managed";

  @JsonPropertyDescription(
      "An existing PostgreSQL database, reached with credentials from a Secret.")
  private ExternalPostgres external;

  @JsonPropertyDescription(
      "A single-instance PostgreSQL (StatefulSet with one PersistentVolumeClaim) that the"
          + " operator runs next to the cluster.")
  private ManagedPostgres managed;

  public ExternalPostgres getExternal() {
    return external;
  }

  public void setExternal(ExternalPostgres external) {
    this.external = external;
  }

  public ManagedPostgres getManaged() {
    return managed;
  }

  public void setManaged(ManagedPostgres managed) {
    this.managed = managed;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof PostgresSpec)) {
      return false;
    }
    PostgresSpec that = (PostgresSpec) o;
    return Objects.equals(external, that.external) && Objects.equals(managed, that.managed);
  }

  @Override
  public int hashCode() {
    return Objects.hash(external, managed);
  }

  @Override
  public String toString() {
    return "PostgresSpec{external=" + external + ", managed=" + managed + '}';
  }
}
