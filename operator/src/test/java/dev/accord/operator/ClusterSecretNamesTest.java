package dev.accord.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accord.crd.v1alpha1.ConditionTypes;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The user's database Secret may be named like a Secret the operator would own (the sample's
 * cluster {@code accord} reads {@code accord-postgres}, the managed database's Secret name): the
 * operator never deletes or rewrites it.
 */
@EnableKubernetesMockClient(crud = true)
class ClusterSecretNamesTest {
  KubernetesClient client;
  ClusterFixture fixture;

  @BeforeEach
  void start() {
    fixture = new ClusterFixture(client, new TestClock(Instant.parse("2026-12-01T00:00:00Z")));
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  Secret userSecret(String name) {
    return client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(ClusterFixture.NS)
                .endMetadata()
                .withData(
                    Map.of(
                        "url",
                        Base64.getEncoder()
                            .encodeToString("postgres://a:b@db:5432/accord".getBytes())))
                .build())
        .create();
  }

  @Test
  void anExternalSecretNamedLikeTheManagedDatabasesIsLeftAlone() {
    Secret mine = userSecret("accord-postgres");
    fixture.create(
        "accord", spec -> spec.getPostgres().getExternal().setSecretName("accord-postgres"));

    fixture.awaitCondition(
        "accord", ConditionTypes.BACKEND_READY, "True", ConditionReasons.CONFIGURED);
    // Reconciles after the first one would have deleted it: wait for the operator's own Secrets.
    fixture.await(Secret.class, "accord-tls");
    fixture.edit("accord", spec -> spec.setReplicas(2));
    org.awaitility.Awaitility.await()
        .atMost(ClusterFixture.WAIT)
        .until(() -> fixture.deployment("accord").getSpec().getReplicas() == 2);

    Secret now = fixture.get(Secret.class, "accord-postgres");
    assertThat(now).as("the user's Secret").isNotNull();
    assertThat(now.getData()).isEqualTo(mine.getData());
    assertThat(fixture.condition("accord", ConditionTypes.BACKEND_READY).orElseThrow().getReason())
        .isEqualTo(ConditionReasons.CONFIGURED);
  }

  @Test
  void anExternalSecretNamedLikeTheServersCertificateIsNotTakenForIt() {
    Secret mine = userSecret("other-tls");
    fixture.create("other", spec -> spec.getPostgres().getExternal().setSecretName("other-tls"));

    // The operator cannot write its certificate under a name the user's Secret holds: it says so
    // and leaves the user's Secret as it was.
    var degraded =
        fixture.awaitCondition(
            "other", ConditionTypes.DEGRADED, "True", ConditionReasons.RECONCILE_FAILED);
    assertThat(degraded.getMessage()).contains("other-tls");
    assertThat(fixture.get(Secret.class, "other-tls").getData()).isEqualTo(mine.getData());
  }
}
