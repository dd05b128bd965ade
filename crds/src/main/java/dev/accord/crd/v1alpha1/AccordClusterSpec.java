package dev.accord.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;
import java.util.List;
import java.util.Objects;

/**
 * Desired state of an {@link AccordCluster}.
 *
 * <p>Fields with a schema default are initialised to the same value here, so an object built in
 * Java, or read from a server that does not apply CRD defaults (such as Fabric8's mock server),
 * looks like one the API server defaulted.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "replicas",
  "image",
  "port",
  "resources",
  "clientDefaults",
  "postgres",
  "podTemplate",
  "tls",
  "auth",
  "access",
  "networkPolicy"
})
public class AccordClusterSpec {

  public static final int DEFAULT_REPLICAS = 1;
  public static final int DEFAULT_PORT = 7475;

  @SpecReplicas
  @Default("1")
  @Min(0)
  @Max(100)
  @JsonPropertyDescription(
      "Number of Accord servers. Default 1. This is the scale subresource's spec replicas,"
          + " so `kubectl scale` and a HorizontalPodAutoscaler can set it.")
  private Integer replicas = DEFAULT_REPLICAS;

  @JsonPropertyDescription(
      "Accord server image. When not set, the operator uses the server image of its own version.")
  private String image;

  @Default("7475")
  @Min(1)
  @Max(65535)
  @JsonPropertyDescription("gRPC port the servers listen on and the Service exposes. Default 7475.")
  private Integer port = DEFAULT_PORT;

  @JsonPropertyDescription("CPU and memory requests and limits of each Accord server container.")
  private ResourceRequirements resources;

  @Default("{}")
  @JsonPropertyDescription(
      "Settings handed to clients the operator injects (for example the lease TTL).")
  private ClientDefaults clientDefaults = new ClientDefaults();

  @Required
  @ValidationRule(
      value =
          "(has(self.external) ? 1 : 0) + (has(self.managed) ? 1 : 0)"
              + " + (has(self.cloudNativePG) ? 1 : 0) == 1",
      message = "set exactly one of postgres.external, postgres.managed or postgres.cloudNativePG")
  @JsonPropertyDescription(
      "The PostgreSQL database that stores leases: set exactly one of `external` (an existing"
          + " database, reached with credentials from a Secret), `managed` (a single PostgreSQL the"
          + " operator runs) or `cloudNativePG` (a CloudNativePG Cluster, reached with its"
          + " application Secret).")
  private PostgresSpec postgres;

  @JsonPropertyDescription(
      "Labels, annotations and scheduling settings added to the Accord server pods.")
  private PodTemplateOverrides podTemplate;

  @Default("{}")
  @JsonPropertyDescription(
      "TLS on the gRPC port. On by default with a certificate from a CA the operator keeps for"
          + " this cluster; `enabled: false` turns it off, `issuerRef` names a cert-manager issuer.")
  private TlsSpec tls = new TlsSpec();

  @Default("{}")
  @JsonPropertyDescription(
      "Authentication of callers by their Kubernetes ServiceAccount token. On by default.")
  private AuthSpec auth = new AuthSpec();

  @Size(max = 64)
  @JsonPropertyDescription(
      "Who may use which Accord namespaces (with authentication on). When not set, every"
          + " ServiceAccount is a worker on the Accord namespaces NS and NS/* where NS is its own"
          + " Kubernetes namespace.")
  private List<AccessRule> access;

  @Default("true")
  @JsonPropertyDescription(
      "Whether a NetworkPolicy lets only pods of namespaces labelled"
          + " accord.dev/injection=enabled, and the operator, reach the servers' gRPC port."
          + " Default true.")
  private Boolean networkPolicy = true;

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }

  public ResourceRequirements getResources() {
    return resources;
  }

  public void setResources(ResourceRequirements resources) {
    this.resources = resources;
  }

  public ClientDefaults getClientDefaults() {
    return clientDefaults;
  }

  public void setClientDefaults(ClientDefaults clientDefaults) {
    this.clientDefaults = clientDefaults;
  }

  public PostgresSpec getPostgres() {
    return postgres;
  }

  public void setPostgres(PostgresSpec postgres) {
    this.postgres = postgres;
  }

  public PodTemplateOverrides getPodTemplate() {
    return podTemplate;
  }

  public void setPodTemplate(PodTemplateOverrides podTemplate) {
    this.podTemplate = podTemplate;
  }

  public TlsSpec getTls() {
    return tls;
  }

  public void setTls(TlsSpec tls) {
    this.tls = tls;
  }

  public AuthSpec getAuth() {
    return auth;
  }

  public void setAuth(AuthSpec auth) {
    this.auth = auth;
  }

  public List<AccessRule> getAccess() {
    return access;
  }

  public void setAccess(List<AccessRule> access) {
    this.access = access;
  }

  public Boolean getNetworkPolicy() {
    return networkPolicy;
  }

  public void setNetworkPolicy(Boolean networkPolicy) {
    this.networkPolicy = networkPolicy;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof AccordClusterSpec)) {
      return false;
    }
    AccordClusterSpec that = (AccordClusterSpec) o;
    return Objects.equals(replicas, that.replicas)
        && Objects.equals(image, that.image)
        && Objects.equals(port, that.port)
        && Objects.equals(resources, that.resources)
        && Objects.equals(clientDefaults, that.clientDefaults)
        && Objects.equals(postgres, that.postgres)
        && Objects.equals(podTemplate, that.podTemplate)
        && Objects.equals(tls, that.tls)
        && Objects.equals(auth, that.auth)
        && Objects.equals(access, that.access)
        && Objects.equals(networkPolicy, that.networkPolicy);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        replicas,
        image,
        port,
        resources,
        clientDefaults,
        postgres,
        podTemplate,
        tls,
        auth,
        access,
        networkPolicy);
  }

  @Override
  public String toString() {
    return "AccordClusterSpec{replicas="
        + replicas
        + ", image="
        + image
        + ", port="
        + port
        + ", resources="
        + resources
        + ", clientDefaults="
        + clientDefaults
        + ", postgres="
        + postgres
        + ", podTemplate="
        + podTemplate
        + ", tls="
        + tls
        + ", auth="
        + auth
        + ", access="
        + access
        + ", networkPolicy="
        + networkPolicy
        + '}';
  }
}
