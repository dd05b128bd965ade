package dev.accord.operator;

import dev.accord.crd.v1alpha1.AccordCluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.EventSourceRetriever;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The CloudNativePG Clusters that AccordClusters name, watched so that a change of a Cluster's
 * readiness reconciles the AccordClusters that use it.
 *
 * <p>The informer is registered on first need, once CloudNativePG's CRD is seen to exist: an
 * informer registered at start on a CRD that is not installed would fail the operator's start, and
 * most installations never use CloudNativePG. Until then, each reconcile of a cluster that names
 * one looks for the CRD again.
 */
final class CloudNativePgClusters {
  /** The event source's name. */
  static final String EVENT_SOURCE = "cloudnativepg-clusters";

  /** Index of the AccordClusters by the CloudNativePG Cluster they name ("namespace/name"). */
  private static final String INDEX = "accord.dev/cloudnativepg-cluster";

  private volatile InformerEventSource<GenericKubernetesResource, AccordCluster> informer;

  /** Indexes the AccordClusters by the Cluster they name; call before the operator starts. */
  void index(EventSourceContext<AccordCluster> context) {
    context
        .getPrimaryCache()
        .addIndexer(
            INDEX,
            cluster ->
                named(cluster)
                    .map(name -> List.of(key(cluster.getMetadata().getNamespace(), name)))
                    .orElse(List.of()));
  }

  /** The CloudNativePG Cluster spec.postgres.cloudNativePG names, if it does. */
  static Optional<String> named(AccordCluster cluster) {
    return Optional.ofNullable(cluster.getSpec())
        .map(spec -> spec.getPostgres())
        .map(postgres -> postgres.getCloudNativePG())
        .map(cnpg -> cnpg.getCluster());
  }

  /**
   * What is known of the Cluster {@code name} in the AccordCluster's namespace, registering the
   * informer first if CloudNativePG is installed and it is not yet registered.
   */
  CloudNativePgCluster observe(AccordCluster cluster, String name, Context<AccordCluster> context) {
    InformerEventSource<GenericKubernetesResource, AccordCluster> source = informer;
    if (source == null) {
      boolean installed =
          context
                  .getClient()
                  .apiextensions()
                  .v1()
                  .customResourceDefinitions()
                  .withName(CloudNativePgCluster.CRD)
                  .get()
              != null;
      if (!installed) {
        return CloudNativePgCluster.notInstalled(name);
      }
      source = register(context.eventSourceRetriever());
    }
    return new CloudNativePgCluster(
        name, true, source.get(new ResourceID(name, cluster.getMetadata().getNamespace())));
  }

  /**
   * Registers the informer (JOSDK keeps the first of concurrent registrations under one name) and
   * waits for its cache to fill; a registration that fails is undone so that the next reconcile
   * tries again rather than use a dead informer.
   */
  private synchronized InformerEventSource<GenericKubernetesResource, AccordCluster> register(
      EventSourceRetriever<AccordCluster> retriever) {
    if (informer != null) {
      return informer;
    }
    EventSourceContext<AccordCluster> context =
        retriever.eventSourceContextForDynamicRegistration();
    InformerEventSourceConfiguration<GenericKubernetesResource> configuration =
        InformerEventSourceConfiguration.from(CloudNativePgCluster.GVK, AccordCluster.class)
            .withName(EVENT_SOURCE)
            .withNamespacesInheritedFromController()
            .withSecondaryToPrimaryMapper(
                (GenericKubernetesResource pg) ->
                    context
                        .getPrimaryCache()
                        .byIndex(
                            INDEX, key(pg.getMetadata().getNamespace(), pg.getMetadata().getName()))
                        .stream()
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
            .build();
    try {
      EventSource<GenericKubernetesResource, AccordCluster> registered =
          retriever.dynamicallyRegisterEventSource(
              new InformerEventSource<>(configuration, context));
      informer = (InformerEventSource<GenericKubernetesResource, AccordCluster>) registered;
    } catch (RuntimeException e) {
      retriever.dynamicallyDeRegisterEventSource(EVENT_SOURCE);
      throw new IllegalStateException(
          "could not watch CloudNativePG Clusters (" + CloudNativePgCluster.CRD + ")", e);
    }
    return informer;
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }
}
