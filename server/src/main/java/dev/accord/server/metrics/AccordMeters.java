package dev.accord.server.metrics;

import dev.accord.server.backend.AcquireAnswer;
import dev.accord.server.backend.ClaimAnswer;
import dev.accord.server.backend.LeaseRejectedException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;

/**
 * What the API did, counted as it answers: acquires and claimed names by outcome, claims, renewals,
 * dones, refusals by reason, takeovers and Watch traffic. Every counter is created once here, so
 * counting a call allocates nothing.
 */
public final class AccordMeters {
  private final Counter acquiresGranted;
  private final Counter acquiresHeld;
  private final Counter acquiresDone;
  private final Counter claims;
  private final Counter claimNamesGranted;
  private final Counter claimNamesHeld;
  private final Counter claimNamesDone;
  private final Counter renewals;
  private final Counter dones;
  private final Counter takeovers;
  private final Counter[] refusals;
  private final Counter watchNamesSent;
  private final MeterRegistry registry;

  public AccordMeters(MeterRegistry registry) {
    this.registry = registry;
    acquiresGranted = outcome(registry, "accord.acquires", "granted", "Acquire answers");
    acquiresHeld = outcome(registry, "accord.acquires", "held", "Acquire answers");
    acquiresDone = outcome(registry, "accord.acquires", "done", "Acquire answers");
    claims = Counter.builder("accord.claims").description("Claims answered").register(registry);
    claimNamesGranted =
        outcome(registry, "accord.claim.names", "granted", "Names Claim answered, by outcome");
    claimNamesHeld =
        outcome(registry, "accord.claim.names", "held", "Names Claim answered, by outcome");
    claimNamesDone =
        outcome(registry, "accord.claim.names", "done", "Names Claim answered, by outcome");
    renewals = Counter.builder("accord.renewals").description("Leases renewed").register(registry);
    dones = Counter.builder("accord.dones").description("Resources marked done").register(registry);
    takeovers =
        Counter.builder("accord.takeovers")
            .description(
                "Grants of a resource granted before and not done: its last lease expired (or was"
                    + " released, reset or deleted by an administrator)")
            .register(registry);
    LeaseRejectedException.Reason[] reasons = LeaseRejectedException.Reason.values();
    refusals = new Counter[reasons.length];
    for (LeaseRejectedException.Reason reason : reasons) {
      refusals[reason.ordinal()] =
          Counter.builder("accord.refusals")
              .description("Renewals and dones refused, by reason")
              .tag("reason", reason.name())
              .register(registry);
    }
    watchNamesSent =
        Counter.builder("accord.watch.names.sent")
            .description("Done names sent on Watch streams")
            .register(registry);
  }

  /** Meters that count nothing, for services built without metrics. */
  public static AccordMeters off() {
    return new AccordMeters(ServerMetrics.off().registry());
  }

  private static Counter outcome(
      MeterRegistry registry, String name, String outcome, String description) {
    return Counter.builder(name)
        .description(description)
        .tag("outcome", outcome)
        .register(registry);
  }

  /** An acquire answered {@code answer}. */
  public void acquired(AcquireAnswer answer) {
    switch (answer.outcome()) {
      case GRANTED -> {
        acquiresGranted.increment();
        granted(answer.resource().numAcquired());
      }
      case HELD -> acquiresHeld.increment();
      case DONE -> acquiresDone.increment();
    }
  }

  /** A claim answered {@code answer}. */
  public void claimed(ClaimAnswer answer) {
    claims.increment();
    claimNamesGranted.increment(answer.granted().size());
    claimNamesHeld.increment(answer.held().size());
    claimNamesDone.increment(answer.done().size());
    for (var grant : answer.granted()) {
      granted(grant.numAcquired());
    }
  }

  /** A grant whose fencing token is above 1 went to a resource granted before. */
  private void granted(long numAcquired) {
    if (numAcquired > 1) {
      takeovers.increment();
    }
  }

  public void renewed() {
    renewals.increment();
  }

  public void done() {
    dones.increment();
  }

  /** Counts {@code failure} when it is a refused handle; anything else is not a refusal. */
  public void failed(Throwable failure) {
    if (failure instanceof LeaseRejectedException rejected) {
      refusals[rejected.reason().ordinal()].increment();
    }
  }

  /** The counter of names sent on Watch streams. */
  public Counter watchNamesSent() {
    return watchNamesSent;
  }

  /** Exports the number of open Watch streams: the size of {@code streams}. */
  public void watchStreams(Collection<?> streams) {
    Gauge.builder("accord.watch.streams", streams, Collection::size)
        .description("Watch streams open")
        .register(registry);
  }
}
