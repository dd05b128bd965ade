package dev.accord.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import java.time.Clock;
import java.time.Duration;

/**
 * The operator: one controller for AccordClusters on a Kubernetes client, with leader election when configured.
 *
 * <p>Dependents and the status are written with plain updates and JSON merge patches, not server-side apply:
 * Fabric8's mock API server, the only one the tests here can run against, does not do server-side apply, and a
 * write path that only production takes would be a path no test covers.
 */
public final class AccordOperator implements AutoCloseable {
  private final Operator operator;

  public AccordOperator(KubernetesClient client, OperatorSettings settings, Clock clock, boolean closeClient) {
    this.operator = new Operator(overrider -> {
      overrider.withKubernetesClient(client)
          .withCloseClientOnStop(closeClient)
          .withSSABasedCreateUpdateMatchForDependentResources(false)
          .withUseSSAToPatchPrimaryResource(false)
          .withReconciliationTerminationTimeout(Duration.ofSeconds(10));
      if (settings.leaseNamespace() != null) {
        overrider.withLeaderElectionConfiguration(LeaderElectionConfigurationBuilder
            .aLeaderElectionConfiguration(OperatorSettings.LEASE_NAME)
            .withLeaseNamespace(settings.leaseNamespace())
            .withIdentity(settings.identity())
            .build());
      }
    });
    operator.register(new AccordClusterReconciler(settings.serverImage(), clock), controller -> {
      if (!settings.namespaces().isEmpty()) {
        controller.settingNamespaces(settings.namespaces());
      }
    });
  }

  public void start() {
    operator.start();
  }

  /** Whether the operator runs and every informer is connected. */
  public boolean isHealthy() {
    return operator.getRuntimeInfo().isStarted() && operator.getRuntimeInfo().allEventSourcesAreHealthy();
  }

  public boolean isStarted() {
    return operator.getRuntimeInfo().isStarted();
  }

  @Override
  public void close() {
    operator.stop();
  }
}
