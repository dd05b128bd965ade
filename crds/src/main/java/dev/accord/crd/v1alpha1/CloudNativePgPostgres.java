package dev.accord.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;
import java.util.Objects;

/**
 * A CloudNativePG {@code Cluster} in the AccordCluster's namespace. The servers connect with the
 * credentials CloudNativePG writes to the Secret {@code <cluster>-app} (see {@link
 * #appSecretName(String)}): its key {@code uri} when present, otherwise its keys {@code host},
 * {@code port}, {@code dbname}, {@code user} and {@code password}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"cluster"})
public class CloudNativePgPostgres {

  /** CloudNativePG's application Secret is named after the cluster with this suffix. */
  public static final String APP_SECRET_SUFFIX = "-app";

  // Keys of CloudNativePG's application Secret (pkg/specs/secrets.go in cloudnative-pg): "uri" is
  // postgresql://user:password@<cluster>-rw.<namespace>:5432/<dbname>. Note "dbname", where the
  // keyed form of spec.postgres.external says "database".
  public static final String KEY_URI = "uri";
  public static final String KEY_HOST = "host";
  public static final String KEY_PORT = "port";
  public static final String KEY_DBNAME = "dbname";
  public static final String KEY_USER = "user";
  public static final String KEY_PASSWORD = "password";

  /** The keys the servers need when the Secret has no {@code uri}. */
  public static final List<String> REQUIRED_KEYS =
      List.of(KEY_HOST, KEY_DBNAME, KEY_USER, KEY_PASSWORD);

  @Required
  @Size(min = 1, max = 63)
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @JsonPropertyDescription(
      "Name of the CloudNativePG Cluster (postgresql.cnpg.io/v1), in the AccordCluster's"
          + " namespace. The servers connect with its application Secret `<cluster>-app`: its `uri`"
          + " key, or else its `host`, `port`, `dbname`, `user` and `password` keys.")
  private String cluster;

  /** The application Secret CloudNativePG writes for {@code cluster}. */
  public static String appSecretName(String cluster) {
    return cluster + APP_SECRET_SUFFIX;
  }

  public String getCluster() {
    return cluster;
  }

  public void setCluster(String cluster) {
    this.cluster = cluster;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof CloudNativePgPostgres)) {
      return false;
    }
    return Objects.equals(cluster, ((CloudNativePgPostgres) o).cluster);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(cluster);
  }

  @Override
  public String toString() {
    return "CloudNativePgPostgres{cluster=" + cluster + '}';
  }
}
