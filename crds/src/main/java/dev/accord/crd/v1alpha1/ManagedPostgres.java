package dev.accord.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.Objects;

/**
 * A single-instance PostgreSQL the operator runs for the cluster. Schema defaults are mirrored in
 * the field initialisers (see {@link AccordClusterSpec}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"storageSize", "storageClassName", "image", "resources"})
public class ManagedPostgres {

  public static final String DEFAULT_STORAGE_SIZE = "1Gi";
  public static final String DEFAULT_IMAGE = "postgres:16";

  @Default(DEFAULT_STORAGE_SIZE)
  @Pattern(
      "^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$")
  @JsonPropertyDescription(
      "Size of the PersistentVolumeClaim that holds the database, as a Kubernetes quantity."
          + " Default 1Gi.")
  private String storageSize = DEFAULT_STORAGE_SIZE;

  @JsonPropertyDescription(
      "StorageClass of the PersistentVolumeClaim. When not set, the cluster's default"
          + " StorageClass is used.")
  private String storageClassName;

  @Default(DEFAULT_IMAGE)
  @JsonPropertyDescription("PostgreSQL image. Default postgres:16.")
  private String image = DEFAULT_IMAGE;

  @JsonPropertyDescription("CPU and memory requests and limits of the PostgreSQL container.")
  private ResourceRequirements resources;

  public String getStorageSize() {
    return storageSize;
  }

  public void setStorageSize(String storageSize) {
    this.storageSize = storageSize;
  }

  public String getStorageClassName() {
    return storageClassName;
  }

  public void setStorageClassName(String storageClassName) {
    this.storageClassName = storageClassName;
  }

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public ResourceRequirements getResources() {
    return resources;
  }

  public void setResources(ResourceRequirements resources) {
    this.resources = resources;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ManagedPostgres)) {
      return false;
    }
    ManagedPostgres that = (ManagedPostgres) o;
    return Objects.equals(storageSize, that.storageSize)
        && Objects.equals(storageClassName, that.storageClassName)
        && Objects.equals(image, that.image)
        && Objects.equals(resources, that.resources);
  }

  @Override
  public int hashCode() {
    return Objects.hash(storageSize, storageClassName, image, resources);
  }

  @Override
  public String toString() {
    return "ManagedPostgres{storageSize="
        + storageSize
        + ", storageClassName="
        + storageClassName
        + ", image="
        + image
        + ", resources="
        + resources
        + '}';
  }
}
