package dev.accord.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * Where the leases live: exactly one of {@link #getExternal() external}, {@link #getManaged()
 * managed} and {@link #getCloudNativePG() cloudNativePG} is set (a CEL rule on {@code
 * spec.postgres} enforces it).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"external", "managed", "cloudNativePG"})
public class PostgresSpec {

  /** {@code status.backend} when {@code external} is set. */
  public static final String BACKEND_EXTERNAL = "external";

  /** {@code status.backend} when {@code managed} is set. */
  public static final String BACKEND_MANAGED = "managed";

  /** {@code status.backend} when {@code cloudNativePG} is set. */
  public static final String BACKEND_CLOUD_NATIVE_PG = "cloudNativePG";

  @JsonPropertyDescription(
      "An existing PostgreSQL database, reached with credentials from a Secret.")
  private ExternalPostgres external;

  @JsonPropertyDescription(
      "A single-instance PostgreSQL (StatefulSet with one PersistentVolumeClaim) that the"
          + " operator runs next to the cluster.")
  private ManagedPostgres managed;

  @JsonProperty("cloudNativePG")
  @JsonPropertyDescription(
      "A PostgreSQL cluster run by the CloudNativePG operator in the AccordCluster's namespace,"
          + " reached with the credentials of its application Secret `<cluster>-app`.")
  private CloudNativePgPostgres cloudNativePG;

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

  @JsonProperty("cloudNativePG")
  public CloudNativePgPostgres getCloudNativePG() {
    return cloudNativePG;
  }

  @JsonProperty("cloudNativePG")
  public void setCloudNativePG(CloudNativePgPostgres cloudNativePG) {
    this.cloudNativePG = cloudNativePG;
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
    return Objects.equals(external, that.external)
        && Objects.equals(managed, that.managed)
        && Objects.equals(cloudNativePG, that.cloudNativePG);
  }

  @Override
  public int hashCode() {
    return Objects.hash(external, managed, cloudNativePG);
  }

  @Override
  public String toString() {
    return "PostgresSpec{external="
        + external
        + ", managed="
        + managed
        + ", cloudNativePG="
        + cloudNativePG
        + '}';
  }
}
