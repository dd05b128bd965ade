package dev.accord.operator;

import dev.accord.crd.v1alpha1.AccordCluster;
import dev.accord.crd.v1alpha1.AccordClusterSpec;
import dev.accord.crd.v1alpha1.ExternalPostgres;
import dev.accord.crd.v1alpha1.PostgresSpec;
import dev.accord.operator.metrics.OperatorMetrics;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A running operator on a mock API server, and what the security tests do with clusters: create one
 * on an external database, edit its spec as a user would, and wait for what the operator writes.
 */
final class ClusterFixture implements AutoCloseable {
  static final String NS = "jobs";
  static final Duration WAIT = Duration.ofSeconds(30);
  static final String DB_SECRET = "db";

  final KubernetesClient client;
  private final AccordOperator operator;

  ClusterFixture(KubernetesClient client, Clock clock) {
    this(client, clock, new OperatorMetrics(clock));
  }

  ClusterFixture(KubernetesClient client, Clock clock, OperatorMetrics metrics) {
    this.client = client;
    this.operator =
        new AccordOperator(
            client,
            new OperatorSettings(Set.of(), "accord/accord-server:test", null, "test", 0),
            clock,
            false,
            metrics);
    operator.start();
  }

  boolean healthy() {
    return operator.isHealthy();
  }

  boolean started() {
    return operator.isStarted();
  }

  @Override
  public void close() {
    operator.close();
  }

  /** A cluster on an external database whose Secret exists, customised, created. */
  AccordCluster create(String name, Consumer<AccordClusterSpec> customize) {
    if (client.secrets().inNamespace(NS).withName(DB_SECRET).get() == null) {
      client
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName(DB_SECRET)
                  .withNamespace(NS)
                  .endMetadata()
                  .withData(
                      Map.of(
                          "url",
                          Base64.getEncoder()
                              .encodeToString("postgres://a:b@db:5432/accord".getBytes())))
                  .build())
          .create();
    }
    AccordCluster cluster = new AccordCluster();
    cluster.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    AccordClusterSpec spec = new AccordClusterSpec();
    spec.setPostgres(new PostgresSpec());
    ExternalPostgres external = new ExternalPostgres();
    external.setSecretName(DB_SECRET);
    external.setUrlKey("url");
    spec.getPostgres().setExternal(external);
    customize.accept(spec);
    cluster.setSpec(spec);
    return client.resource(cluster).create();
  }

  AccordCluster fetch(String name) {
    return client.resources(AccordCluster.class).inNamespace(NS).withName(name).get();
  }

  /** Changes the spec with a merge patch, which cannot conflict with the operator's writes. */
  void edit(String name, Consumer<AccordClusterSpec> change) {
    AccordClusterSpec spec = fetch(name).getSpec();
    change.accept(spec);
    client
        .resources(AccordCluster.class)
        .inNamespace(NS)
        .withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(Map.of("spec", spec)));
  }

  /** Waits for an object of the cluster's namespace to exist, and returns it. */
  <T extends HasMetadata> T await(Class<T> type, String name) {
    return awaitThat(
        () -> client.resources(type).inNamespace(NS).withName(name).get(), "%s %s", type, name);
  }

  <T extends HasMetadata> T get(Class<T> type, String name) {
    return client.resources(type).inNamespace(NS).withName(name).get();
  }

  static <T> T awaitThat(Supplier<T> read, String what, Object... args) {
    return org.awaitility.Awaitility.await(String.format(what, args))
        .atMost(WAIT)
        .until(read::get, value -> value != null);
  }

  Optional<Condition> condition(String name, String type) {
    AccordCluster cluster = fetch(name);
    if (cluster == null
        || cluster.getStatus() == null
        || cluster.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return cluster.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst();
  }

  Condition awaitCondition(String name, String type, String status, String reason) {
    return org.awaitility.Awaitility.await()
        .atMost(WAIT)
        .until(
            () -> condition(name, type),
            c ->
                c.isPresent()
                    && status.equals(c.get().getStatus())
                    && reason.equals(c.get().getReason()))
        .orElseThrow();
  }

  Deployment deployment(String cluster) {
    return await(Deployment.class, cluster + "-server");
  }

  /** The server container's variables, by name. */
  static Map<String, EnvVar> env(Deployment deployment) {
    Map<String, EnvVar> env = new LinkedHashMap<>();
    deployment
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getEnv()
        .forEach(e -> env.put(e.getName(), e));
    return env;
  }

  /** A Secret value as text. */
  static String decoded(io.fabric8.kubernetes.api.model.Secret secret, String key) {
    return new String(Base64.getMimeDecoder().decode(secret.getData().get(key)));
  }
}
