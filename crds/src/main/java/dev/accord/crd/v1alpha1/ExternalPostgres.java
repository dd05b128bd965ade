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
 * An existing PostgreSQL, reached with credentials from a Secret in the cluster's namespace.
 *
 * <p>With {@code urlKey} set, that key of the Secret holds a {@code postgres://} URL. Without it,
 * the Secret holds the keys {@code host}, {@code database}, {@code user} and {@code password}, and
 * optionally {@code port} and {@code sslmode}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"secretName", "urlKey"})
public class ExternalPostgres {

  // The Secret's keys when urlKey is not set; PORT and SSLMODE may be absent.
  public static final String KEY_HOST = "host";
  public static final String KEY_PORT = "port";
  public static final String KEY_DATABASE = "database";
  public static final String KEY_USER = "user";
  public static final String KEY_PASSWORD = "password";
  public static final String KEY_SSLMODE = "sslmode";

  /** The keys the Secret must hold when {@code urlKey} is not set. */
  public static final List<String> REQUIRED_KEYS =
      List.of(KEY_HOST, KEY_DATABASE, KEY_USER, KEY_PASSWORD);

  @Required
  @Size(min = 1, max = 253)
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
  @JsonPropertyDescription(
      "Name of the Secret, in the AccordCluster's namespace, that holds the connection"
          + " settings. Without `urlKey`, the Secret must hold the keys `host`, `database`, `user` and `password`,"
          + " and may hold `port` (default 5432) and `sslmode`.")
  private String secretName;

  @Size(min = 1, max = 253)
  @Pattern("^[-._a-zA-Z0-9]+$")
  @JsonPropertyDescription(
      "Key of the Secret that holds a postgres:// connection URL"
          + " (postgres://user:password@host:port/database?sslmode=...). When set, the URL is all that is read;"
          + " when not set, the Secret's `host`, `database`, `user`, `password` and optional `port` and `sslmode`"
          + " keys are used.")
  private String urlKey;

  public String getSecretName() {
    return secretName;
  }

  public void setSecretName(String secretName) {
    this.secretName = secretName;
  }

  public String getUrlKey() {
    return urlKey;
  }

  public void setUrlKey(String urlKey) {
    this.urlKey = urlKey;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ExternalPostgres)) {
      return false;
    }
    ExternalPostgres that = (ExternalPostgres) o;
    return Objects.equals(secretName, that.secretName) && Objects.equals(urlKey, that.urlKey);
  }

  @Override
  public int hashCode() {
    return Objects.hash(secretName, urlKey);
  }

  @Override
  public String toString() {
    return "ExternalPostgres{secretName=" + secretName + ", urlKey=" + urlKey + '}';
  }
}
