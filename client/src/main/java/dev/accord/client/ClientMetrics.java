package dev.accord.client;

import io.grpc.CallOptions;
import io.grpc.ClientInterceptor;

/**
 * Where the client reports what it does for metrics. Free of Micrometer: {@link #NONE} serves every
 * client built without a registry, so a worker without Micrometer on its classpath never loads it.
 * {@link ClientMeters} records into a registry.
 */
interface ClientMetrics {
  ClientMetrics NONE = new ClientMetrics() {};

  /** Set on an attempt that repeats a call after a transient failure. */
  CallOptions.Key<Boolean> RETRY = CallOptions.Key.createWithDefault("accord-retry", false);

  /** What became of one name a work loop handled (the {@code outcome} tag). */
  enum WorkItem {
    DONE,
    FAILED,
    HELD,
    SKIPPED;

    final String tag = name().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * The metrics for {@code registry}: {@link #NONE} for null, else a Micrometer {@code
   * MeterRegistry}'s (typed Object so this class never names Micrometer).
   */
  static ClientMetrics of(Object registry) {
    return registry == null ? NONE : ClientMeters.create(registry);
  }

  /** Sees every call on the channel: its method, its status, and whether it was a retry. */
  default ClientInterceptor[] interceptors() {
    return new ClientInterceptor[0];
  }

  /** Reads the client's gauges from these parts until {@link #close()}. */
  default void observe(OpenLeases leases, DoneCache cache, DoneFeed feed) {}

  default void leaseLost() {}

  /** {@code count} names a work loop handled ended as {@code outcome}. */
  default void workItems(WorkItem outcome, int count) {}

  /** The client closed: its gauges stop counting it. */
  default void close() {}
}
