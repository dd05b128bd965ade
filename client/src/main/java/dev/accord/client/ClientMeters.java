package dev.accord.client;

import io.grpc.ClientInterceptor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * A client's metrics in a Micrometer registry. The only class, with {@link CallMeters}, that names
 * Micrometer: it is loaded when a registry is passed to the builder, never otherwise.
 *
 * <p>Several clients may share a registry: the counters are shared, and each gauge adds up (warm
 * time: the longest of) the clients open on it.
 */
final class ClientMeters implements ClientMetrics {
  /** The open clients of each registry, which its gauges read. */
  private static final Map<MeterRegistry, Set<ClientMeters>> OPEN = new WeakHashMap<>();

  private final MeterRegistry registry;
  private final ClientInterceptor[] interceptors;
  private final Counter leasesLost;
  private final Counter[] workItems = new Counter[WorkItem.values().length];
  private volatile OpenLeases leases;
  private volatile DoneCache cache;
  private volatile DoneFeed feed;

  private ClientMeters(MeterRegistry registry) {
    this.registry = registry;
    this.interceptors = new ClientInterceptor[] {new CallMeters(registry)};
    this.leasesLost =
        Counter.builder("accord.client.leases.lost")
            .description(
                "Leases lost: a renewal refused, or renewals failed until the lease ran out")
            .register(registry);
    for (WorkItem outcome : WorkItem.values()) {
      workItems[outcome.ordinal()] =
          Counter.builder("accord.client.work.loop.items")
              .description(
                  "Names work loops handled: done, failed (given up), held (found held by "
                      + "another worker, each time), skipped (already done)")
              .tag("outcome", outcome.tag)
              .register(registry);
    }
  }

  /**
   * @param registry a {@link MeterRegistry}
   */
  static ClientMetrics create(Object registry) {
    return new ClientMeters((MeterRegistry) registry);
  }

  @Override
  public ClientInterceptor[] interceptors() {
    return interceptors;
  }

  @Override
  public void observe(OpenLeases leases, DoneCache cache, DoneFeed feed) {
    this.leases = leases;
    this.cache = cache;
    this.feed = feed;
    synchronized (OPEN) {
      OPEN.computeIfAbsent(registry, r -> ConcurrentHashMap.newKeySet()).add(this);
    }
    // Registering again returns the registry's gauge: the first client's serves them all.
    Gauge.builder("accord.client.leases.held", registry, sum(c -> c.leases.size()))
        .description("Leases the client holds now")
        .register(registry);
    Gauge.builder("accord.client.done.cache.names", registry, sum(c -> c.cache.size()))
        .description("Names the done-cache holds")
        .register(registry);
    Gauge.builder("accord.client.done.cache.warm", registry, ClientMeters::longestWarm)
        .description(
            "How long the done-cache took to warm from the client's start (NaN until warm)")
        .baseUnit("seconds")
        .register(registry);
  }

  @Override
  public void leaseLost() {
    leasesLost.increment();
  }

  @Override
  public void workItems(WorkItem outcome, int count) {
    workItems[outcome.ordinal()].increment(count);
  }

  @Override
  public void close() {
    synchronized (OPEN) {
      Set<ClientMeters> open = OPEN.get(registry);
      if (open != null) {
        open.remove(this);
      }
    }
  }

  private static Set<ClientMeters> open(MeterRegistry registry) {
    synchronized (OPEN) {
      return OPEN.getOrDefault(registry, Set.of());
    }
  }

  private static ToDoubleFunction<MeterRegistry> sum(ToDoubleFunction<ClientMeters> each) {
    return registry -> open(registry).stream().mapToDouble(each).sum();
  }

  private static double longestWarm(MeterRegistry registry) {
    return open(registry).stream()
        .filter(c -> c.feed != null)
        .mapToDouble(c -> c.feed.warmSeconds())
        .filter(seconds -> !Double.isNaN(seconds))
        .max()
        .orElse(Double.NaN);
  }
}
