package dev.accord.chaos;

import dev.accord.chaos.Call.Op;
import dev.accord.chaos.Call.Outcome;
import dev.accord.chaos.Violation.Rule;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks a history against Accord's guarantees, one resource at a time.
 *
 * <p>A grant is taken to be valid, in its holder's eyes, from the moment its acquire's answer
 * arrived until the expiry it last knew of: the expiry the acquire reported, or for each
 * acknowledged renewal its invocation time plus its ttl (the server computes {@code now() + ttl}
 * after the request was sent, so this never overstates it), cut short when the holder sent a
 * release or done. That is the least the holder may rely on, so two such intervals of one name that
 * overlap are a real violation, whatever happened to calls without an answer. Calls that timed out
 * or found the server unavailable may or may not have happened: they never count as proof that
 * something happened, and never as proof that it did not.
 *
 * <p>Times are the client's wall clock, which on one machine is the clock of PostgreSQL's {@code
 * now()} as well; {@code toleranceMillis} absorbs the rounding to milliseconds on either side.
 */
public final class HistoryChecker {
  private final long toleranceMillis;

  public HistoryChecker(long toleranceMillis) {
    if (toleranceMillis < 0) {
      throw new IllegalArgumentException("toleranceMillis must be >= 0, got " + toleranceMillis);
    }
    this.toleranceMillis = toleranceMillis;
  }

  /**
   * Every violation in {@code calls}; {@code finalRows} (resource to row) is what the database held
   * at the end, or null when it was not read, which skips rule (d).
   */
  public List<Violation> check(List<Call> calls, Map<String, ResourceRow> finalRows) {
    Map<String, List<Call>> byResource = new LinkedHashMap<>();
    List<Violation> violations = new ArrayList<>();
    for (Call call : calls) {
      byResource.computeIfAbsent(call.resource(), r -> new ArrayList<>()).add(call);
      if (call.outcome() == Outcome.UNEXPECTED) {
        violations.add(
            new Violation(
                Rule.UNEXPECTED_STATUS,
                call.resource(),
                "only a server bug answers so",
                List.of(call)));
      }
    }
    byResource.forEach(
        (resource, resourceCalls) ->
            violations.addAll(new ResourceCheck(resource, resourceCalls, finalRows).run()));
    return violations;
  }

  /** A grant the history shows acknowledged, with the interval its holder could rely on. */
  private record Grant(Call acquire, long start, long end, Call endedBy) {
    boolean isEmpty() {
      return end <= start;
    }
  }

  private final class ResourceCheck {
    private final String resource;
    private final List<Call> calls;
    private final Map<String, ResourceRow> finalRows;
    private final List<Grant> grants = new ArrayList<>();
    private final Map<String, Grant> grantByHandle = new HashMap<>();
    private final Optional<Call> firstAcknowledgedDone;
    private final List<Violation> violations = new ArrayList<>();

    ResourceCheck(String resource, List<Call> calls, Map<String, ResourceRow> finalRows) {
      this.resource = resource;
      this.calls = calls;
      this.finalRows = finalRows;
      Map<String, List<Call>> usesByHandle = new HashMap<>();
      for (Call call : calls) {
        if (call.op() != Op.ACQUIRE && !call.handle().isEmpty()) {
          usesByHandle.computeIfAbsent(call.handle(), h -> new ArrayList<>()).add(call);
        }
      }
      for (Call call : calls) {
        if (call.op() == Op.ACQUIRE && call.isOk()) {
          Grant grant = grant(call, usesByHandle.getOrDefault(call.handle(), List.of()));
          grants.add(grant);
          grantByHandle.put(call.handle(), grant);
        }
      }
      firstAcknowledgedDone =
          calls.stream()
              .filter(c -> c.op() == Op.DONE && c.isOk())
              .min(Comparator.comparingLong(Call::completedAt));
    }

    List<Violation> run() {
      checkOverlaps();
      checkTokens();
      checkNothingAfterDone();
      checkStaleHandles();
      if (finalRows != null) {
        checkDurability();
      }
      return violations;
    }

    private Grant grant(Call acquire, List<Call> uses) {
      long cut = Call.NEVER;
      Call cutBy = null;
      for (Call use : uses) {
        if ((use.op() == Op.RELEASE || use.op() == Op.DONE) && use.invokedAt() < cut) {
          cut = use.invokedAt();
          cutBy = use;
        }
      }
      long end = acquire.expiresAt();
      Call endedBy = acquire;
      for (Call use : uses) {
        if (use.op() == Op.RENEW && use.isOk() && use.invokedAt() < cut) {
          long renewedTo = use.invokedAt() + use.ttlSeconds() * 1000L;
          if (renewedTo > end) {
            end = renewedTo;
            endedBy = use;
          }
        }
      }
      if (cut < end) {
        end = cut;
        endedBy = cutBy;
      }
      return new Grant(acquire, acquire.completedAt(), end, endedBy);
    }

    /** (a): sweeps the grants by start, against the one seen so far that runs longest. */
    private void checkOverlaps() {
      List<Grant> byStart = new ArrayList<>(grants);
      byStart.removeIf(Grant::isEmpty);
      byStart.sort(Comparator.comparingLong(Grant::start));
      Grant longest = null;
      for (Grant grant : byStart) {
        if (longest != null && longest.end() > grant.start() + toleranceMillis) {
          List<Call> shown = new ArrayList<>(List.of(longest.acquire()));
          if (longest.endedBy() != longest.acquire()) {
            shown.add(longest.endedBy());
          }
          shown.add(grant.acquire());
          violations.add(
              new Violation(
                  Rule.OVERLAP,
                  resource,
                  String.format(
                      "grant token %d was valid until %d ms after grant token %d was acknowledged",
                      longest.acquire().token(),
                      longest.end() - grant.start(),
                      grant.acquire().token()),
                  shown));
        }
        if (longest == null || grant.end() > longest.end()) {
          longest = grant;
        }
      }
    }

    /**
     * (b): a grant acknowledged before another was even asked for has the smaller token, and no two
     * grants share one.
     */
    private void checkTokens() {
      Map<Long, Call> byToken = new HashMap<>();
      for (Grant grant : grants) {
        Call earlier = byToken.putIfAbsent(grant.acquire().token(), grant.acquire());
        if (earlier != null && !earlier.handle().equals(grant.acquire().handle())) {
          violations.add(
              new Violation(
                  Rule.TOKEN_ORDER,
                  resource,
                  "two grants with token " + earlier.token(),
                  List.of(earlier, grant.acquire())));
        }
      }
      List<Call> byCompletion = grants.stream().map(Grant::acquire).collect(toSortedList(true));
      List<Call> byInvocation = grants.stream().map(Grant::acquire).collect(toSortedList(false));
      int next = 0;
      Call highestBefore = null;
      for (Call later : byInvocation) {
        while (next < byCompletion.size()
            && byCompletion.get(next).completedAt() < later.invokedAt()) {
          Call done = byCompletion.get(next++);
          if (highestBefore == null || done.token() > highestBefore.token()) {
            highestBefore = done;
          }
        }
        // An equal token is the duplicate reported above.
        if (highestBefore != null && highestBefore.token() > later.token()) {
          violations.add(
              new Violation(
                  Rule.TOKEN_ORDER,
                  resource,
                  "token "
                      + later.token()
                      + " granted after token "
                      + highestBefore.token()
                      + " was acknowledged",
                  List.of(highestBefore, later)));
        }
      }
    }

    /** (c): once a done is acknowledged, every acquire asked later answers DONE. */
    private void checkNothingAfterDone() {
      if (firstAcknowledgedDone.isEmpty()) {
        return;
      }
      Call done = firstAcknowledgedDone.get();
      for (Call call : calls) {
        if (call.op() == Op.ACQUIRE
            && call.invokedAt() > done.completedAt()
            && (call.outcome() == Outcome.OK || call.outcome() == Outcome.HELD)) {
          violations.add(
              new Violation(
                  Rule.GRANTED_AFTER_DONE,
                  resource,
                  "acquire answered " + call.outcome() + " after the done was acknowledged",
                  List.of(done, call)));
        }
      }
    }

    /**
     * (e): a handle is refused once a later grant of its resource, or a done of it, was
     * acknowledged before the call was sent.
     */
    private void checkStaleHandles() {
      List<Grant> byToken = new ArrayList<>(grants);
      byToken.sort(Comparator.comparingLong(g -> g.acquire().token()));
      for (Call use : calls) {
        if (use.op() == Op.ACQUIRE || !use.isOk()) {
          continue;
        }
        for (Grant later : byToken) {
          if (later.acquire().token() > use.token()
              && later.acquire().completedAt() < use.invokedAt()) {
            violations.add(
                new Violation(
                    Rule.STALE_ACCEPTED,
                    resource,
                    use.op()
                        + " with token "
                        + use.token()
                        + " accepted after token "
                        + later.acquire().token()
                        + " was granted",
                    withGrantOf(use, List.of(later.acquire(), use))));
            break;
          }
        }
        firstAcknowledgedDone
            .filter(done -> done.completedAt() < use.invokedAt())
            .ifPresent(
                done ->
                    violations.add(
                        new Violation(
                            Rule.STALE_ACCEPTED,
                            resource,
                            use.op() + " accepted after the resource's done was acknowledged",
                            withGrantOf(use, List.of(done, use)))));
      }
    }

    /** (d): what was acknowledged is in the database. */
    private void checkDurability() {
      ResourceRow row = finalRows.get(resource);
      firstAcknowledgedDone
          .filter(done -> row == null || !row.done())
          .ifPresent(
              done ->
                  violations.add(
                      new Violation(
                          Rule.LOST,
                          resource,
                          "acknowledged done, but the database has "
                              + (row == null ? "no row" : "no done mark"),
                          List.of(done))));
      grants.stream()
          .map(Grant::acquire)
          .max(Comparator.comparingLong(Call::token))
          .filter(highest -> row == null || row.numAcquired() < highest.token())
          .ifPresent(
              highest ->
                  violations.add(
                      new Violation(
                          Rule.LOST,
                          resource,
                          "acknowledged grant, but the database's token is "
                              + (row == null ? "absent" : row.numAcquired()),
                          List.of(highest))));
    }

    private List<Call> withGrantOf(Call use, List<Call> shown) {
      Grant own = grantByHandle.get(use.handle());
      if (own == null) {
        return shown;
      }
      List<Call> all = new ArrayList<>();
      all.add(own.acquire());
      all.addAll(shown);
      return all;
    }
  }

  private static java.util.stream.Collector<Call, ?, List<Call>> toSortedList(boolean completion) {
    Comparator<Call> order =
        completion
            ? Comparator.comparingLong(Call::completedAt)
            : Comparator.comparingLong(Call::invokedAt);
    return java.util.stream.Collectors.collectingAndThen(
        java.util.stream.Collectors.toCollection(ArrayList::new),
        list -> {
          list.sort(order);
          return list;
        });
  }
}
