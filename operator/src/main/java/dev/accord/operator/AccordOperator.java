package dev.accord.operator;

import dev.accord.operator.metrics.OperatorMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator: one controller for AccordClusters on a Kubernetes client, with leader election when
 * configured.
 *
 * <p>Dependents and the status are written with plain updates and JSON merge patches, not
 * server-side apply: Fabric8's mock API server, the only one the tests here can run against, does
 * not do server-side apply, and a write path that only production takes would be a path no test
 * covers.
 */
public final class AccordOperator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AccordOperator.class);
  private final Operator operator;
  private volatile boolean stopping;

  public AccordOperator(
      KubernetesClient client, OperatorSettings settings, Clock clock, boolean closeClient) {
    this(client, settings, clock, closeClient, new OperatorMetrics(clock));
  }

  /**
   * With its reconcile metrics and the clusters' certificate expiry recorded in {@code metrics}.
   */
  public AccordOperator(
      KubernetesClient client,
      OperatorSettings settings,
      Clock clock,
      boolean closeClient,
      OperatorMetrics metrics) {
    this.operator =
        new Operator(
            overrider -> {
              overrider
                  .withKubernetesClient(client)
                  .withMetrics(metrics.josdk())
                  .withCloseClientOnStop(closeClient)
                  .withSSABasedCreateUpdateMatchForDependentResources(false)
                  .withUseSSAToPatchPrimaryResource(false)
                  .withReconciliationTerminationTimeout(Duration.ofSeconds(10))
                  // An unreachable API server fails the start within a minute (and the process
                  // exits), not two.
                  .withCacheSyncTimeout(Duration.ofSeconds(60));
              if (settings.leaseNamespace() != null) {
                // JOSDK's own exit on lost leadership calls System.exit, which deadlocks when it
                // happens inside our
                // shutdown hook (stopping gives the Lease up): exit here instead, and only when not
                // already stopping.
                overrider.withLeaderElectionConfiguration(
                    LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(
                            OperatorSettings.LEASE_NAME)
                        .withLeaseNamespace(settings.leaseNamespace())
                        .withIdentity(settings.identity())
                        .withExitOnStopLeading(false)
                        .withLeaderCallbacks(
                            new LeaderCallbacks(
                                () ->
                                    log.info(
                                        "Leading: reconciling AccordClusters as {}",
                                        settings.identity()),
                                this::lostLeadership,
                                leader -> log.info("Leader is now {}", leader)))
                        .build());
              }
            });
    operator.register(
        new AccordClusterReconciler(settings.serverImage(), clock, metrics.certificates()),
        controller -> {
          if (!settings.namespaces().isEmpty()) {
            controller.settingNamespaces(settings.namespaces());
          }
        });
  }

  private void lostLeadership() {
    if (!stopping) {
      log.error(
          "Lost the leader Lease; exiting so that Kubernetes restarts this replica as a follower");
      new Thread(() -> System.exit(1), "accord-operator-exit").start();
    }
  }

  public void start() {
    operator.start();
  }

  /** Whether the operator runs and every informer is connected. */
  public boolean isHealthy() {
    return operator.getRuntimeInfo().isStarted()
        && operator.getRuntimeInfo().allEventSourcesAreHealthy();
  }

  public boolean isStarted() {
    return operator.getRuntimeInfo().isStarted();
  }

  @Override
  public void close() {
    stopping = true;
    operator.stop();
  }
}
