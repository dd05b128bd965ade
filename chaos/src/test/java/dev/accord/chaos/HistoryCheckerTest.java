package dev.accord.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accord.chaos.Call.Op;
import dev.accord.chaos.Call.Outcome;
import dev.accord.chaos.Violation.Rule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The checker on planted histories: each broken guarantee is found and named, nothing else is. */
class HistoryCheckerTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final String NS = "ns";

  private final List<Call> calls = new ArrayList<>();
  private final HistoryChecker checker = new HistoryChecker(1);

  @Test
  @DisplayName("(a) a grant acknowledged while the previous one's reported expiry is still ahead")
  void overlapWithReportedExpiry() {
    Call first = granted(1, "x", "aa", 1, 0, 10, 2000);
    Call second = granted(2, "x", "bb", 2, 1400, 1500, 3500);

    assertOnly(Rule.OVERLAP, first, second);
  }

  @Test
  @DisplayName("(a) a grant acknowledged inside the lease a renewal extended")
  void overlapWithRenewal() {
    Call first = granted(1, "x", "aa", 1, 0, 10, 1000);
    Call renewal = use(1, Op.RENEW, "x", "aa", 1, 2, 900, 920, Outcome.OK);
    Call second = granted(2, "x", "bb", 2, 1900, 2000, 4000);

    assertOnly(Rule.OVERLAP, first, renewal, second);
  }

  @Test
  @DisplayName("(b) two grants with one token, and a smaller token after a greater one")
  void tokensThatDoNotIncrease() {
    Call first = granted(1, "x", "aa", 3, 0, 10, 1000);
    Call twin = granted(2, "x", "bb", 3, 2000, 2010, 3000);
    Call smaller = granted(3, "y", "cc", 5, 0, 10, 1000);
    Call later = granted(4, "y", "dd", 4, 2000, 2010, 3000);

    List<Violation> found = checker.check(calls, null);

    assertThat(found).extracting(Violation::rule).containsOnly(Rule.TOKEN_ORDER).hasSize(2);
    assertNamed(found.get(0), first, twin);
    assertNamed(found.get(1), smaller, later);
  }

  @Test
  @DisplayName("(c) an acquire sent after an acknowledged done is granted, another one held")
  void grantedAfterDone() {
    granted(1, "x", "aa", 1, 0, 10, 5000);
    Call done = use(1, Op.DONE, "x", "aa", 1, 0, 100, 110, Outcome.OK);
    Call regranted = granted(2, "x", "bb", 2, 200, 210, 3000);
    Call held = answered(3, "x", Outcome.HELD, 300, 310);

    List<Violation> found = checker.check(calls, null);

    assertThat(found).extracting(Violation::rule).containsOnly(Rule.GRANTED_AFTER_DONE);
    assertThat(found).hasSize(2);
    assertNamed(found.get(0), done, regranted);
    assertNamed(found.get(1), done, held);
  }

  @Test
  @DisplayName("(d) an acknowledged done the database does not have, and a token it never reached")
  void acknowledgedDoneLost() {
    granted(1, "x", "aa", 7, 0, 10, 5000);
    Call done = use(1, Op.DONE, "x", "aa", 7, 0, 100, 110, Outcome.OK);

    List<Violation> found =
        checker.check(calls, Map.of(NS + "/x", new ResourceRow(NS + "/x", 6, false)));

    assertThat(found).extracting(Violation::rule).containsOnly(Rule.LOST).hasSize(2);
    assertNamed(found.get(0), done);
    assertThat(found.get(1).describe(T0)).contains("database's token is 6");
  }

  @Test
  @DisplayName("(e) a handle accepted after its lease was taken over, and after its done")
  void staleHandleAccepted() {
    Call first = granted(1, "x", "aa", 1, 0, 10, 1000);
    Call takeover = granted(2, "x", "bb", 2, 1200, 1300, 5000);
    Call staleDone = use(1, Op.DONE, "x", "aa", 1, 0, 2000, 2010, Outcome.OK);
    Call own = granted(3, "y", "cc", 1, 0, 10, 5000);
    Call done = use(3, Op.DONE, "y", "cc", 1, 0, 100, 110, Outcome.OK);
    Call renewAfterDone = use(3, Op.RENEW, "y", "cc", 1, 1, 200, 210, Outcome.OK);

    List<Violation> found = checker.check(calls, null);

    assertThat(found).extracting(Violation::rule).containsOnly(Rule.STALE_ACCEPTED).hasSize(2);
    assertNamed(found.get(0), first, takeover, staleDone);
    assertNamed(found.get(1), own, done, renewAfterDone);
  }

  @Test
  @DisplayName("(f) an INTERNAL answer")
  void unexpectedStatus() {
    Call internal = failed(1, Op.ACQUIRE, "x", "", 0, 0, 10, Outcome.UNEXPECTED, "INTERNAL");

    assertOnly(Rule.UNEXPECTED_STATUS, internal);
  }

  @Test
  @DisplayName("a clean history: grants in turn, renewals, a release, a done, DONE afterwards")
  void cleanHistory() {
    granted(1, "x", "aa", 1, 0, 10, 1000);
    use(1, Op.RENEW, "x", "aa", 1, 2, 500, 510, Outcome.OK);
    answered(2, "x", Outcome.HELD, 600, 610);
    use(1, Op.RELEASE, "x", "aa", 1, 0, 1000, 1010, Outcome.OK);
    granted(2, "x", "bb", 2, 1005, 1020, 3000);
    use(2, Op.DONE, "x", "bb", 2, 0, 1100, 1110, Outcome.OK);
    answered(3, "x", Outcome.DONE, 1200, 1210);
    use(1, Op.RENEW, "x", "aa", 1, 2, 1300, 1310, Outcome.REFUSED);

    assertThat(checker.check(calls, Map.of(NS + "/x", new ResourceRow(NS + "/x", 2, true))))
        .isEmpty();
  }

  @Test
  @DisplayName("indeterminate calls are neither proof that something happened nor that it did not")
  void indeterminateCallsAreNotReported() {
    // A renewal that timed out may have extended the lease, or not: a grant after the known expiry
    // is fine.
    granted(1, "x", "aa", 1, 0, 10, 1000);
    use(1, Op.RENEW, "x", "aa", 1, 5, 800, 2800, Outcome.INDETERMINATE);
    granted(2, "x", "bb", 3, 1500, 1510, 4000);
    // The acquire that never answered may have taken token 2.
    pending(3, Op.ACQUIRE, "x", "", 0, 1200);
    // A done that found the server unavailable may not have happened: a later grant is no proof.
    pending(4, Op.DONE, "y", "cc", 1, 100);
    granted(4, "y", "cc", 1, 0, 10, 50);
    granted(5, "y", "dd", 2, 200, 210, 3000);
    // Nor must the database have it.
    assertThat(
            checker.check(
                calls,
                Map.of(
                    NS + "/x", new ResourceRow(NS + "/x", 3, false),
                    NS + "/y", new ResourceRow(NS + "/y", 2, false))))
        .isEmpty();
  }

  @Test
  @DisplayName("an answer that arrives after its lease expired gives no validity; revival is fine")
  void lateAnswersAndRevivedLeases() {
    // The server was paused: the grant's answer came after its expiry, then someone else got it.
    granted(1, "x", "aa", 1, 0, 3000, 2000);
    granted(2, "x", "bb", 2, 2500, 2600, 5000);
    // A lease renewed after its expiry while nobody took it over stays its holder's.
    granted(3, "y", "cc", 1, 0, 10, 1000);
    use(3, Op.RENEW, "y", "cc", 1, 2, 1500, 1510, Outcome.OK);
    granted(4, "y", "dd", 2, 3600, 3610, 6000);

    assertThat(checker.check(calls, null)).isEmpty();
  }

  @Test
  @DisplayName("the recorder keeps invocation order and reports unanswered calls as indeterminate")
  void recorderRecordsCompletionsAndPending() {
    long[] now = {T0};
    History history = new History(() -> now[0]++);
    history.invoke(1, Op.ACQUIRE, NS, "x", "", 0, 2).granted("aa", 1, T0 + 2000);
    History.Invocation open = history.invoke(2, Op.ACQUIRE, NS, "x", "", 0, 2);
    history.invoke(1, Op.DONE, NS, "x", "aa", 1, 0).answered(Outcome.OK);

    List<Call> recorded = history.calls();

    assertThat(recorded).extracting(Call::id).containsExactly(1L, 2L, 3L);
    assertThat(recorded.get(0).handle()).isEqualTo("aa");
    assertThat(recorded.get(0).completedAt()).isEqualTo(T0 + 1);
    assertThat(recorded.get(1).outcome()).isEqualTo(Outcome.INDETERMINATE);
    assertThat(recorded.get(1).completedAt()).isEqualTo(Call.NEVER);
    open.answered(Outcome.DONE);
    assertThat(history.calls().get(1).outcome()).isEqualTo(Outcome.DONE);
  }

  private void assertOnly(Rule rule, Call... named) {
    List<Violation> found = checker.check(calls, null);
    assertThat(found).extracting(Violation::rule).containsExactly(rule);
    assertNamed(found.get(0), named);
  }

  /** The report names every call that shows the violation, in the order given. */
  private static void assertNamed(Violation violation, Call... named) {
    String report = violation.describe(T0);
    assertThat(violation.calls()).containsExactly(named);
    for (Call call : named) {
      assertThat(report).contains(call.describe(T0));
    }
  }

  private Call granted(
      int process, String name, String handle, long token, long inv, long comp, long exp) {
    return add(
        new Call(
            calls.size() + 1,
            process,
            Op.ACQUIRE,
            NS,
            name,
            handle,
            token,
            2,
            T0 + inv,
            T0 + comp,
            Outcome.OK,
            T0 + exp,
            ""));
  }

  private Call answered(int process, String name, Outcome outcome, long inv, long comp) {
    return failed(process, Op.ACQUIRE, name, "", 0, inv, comp, outcome, "");
  }

  private Call use(
      int process,
      Op op,
      String name,
      String handle,
      long token,
      int ttl,
      long inv,
      long comp,
      Outcome outcome) {
    return add(
        new Call(
            calls.size() + 1,
            process,
            op,
            NS,
            name,
            handle,
            token,
            ttl,
            T0 + inv,
            T0 + comp,
            outcome,
            0,
            outcome == Outcome.REFUSED ? "FAILED_PRECONDITION SUPERSEDED" : ""));
  }

  private Call pending(int process, Op op, String name, String handle, long token, long inv) {
    return failed(
        process, op, name, handle, token, inv, Call.NEVER - T0, Outcome.INDETERMINATE, "");
  }

  private Call failed(
      int process,
      Op op,
      String name,
      String handle,
      long token,
      long inv,
      long comp,
      Outcome outcome,
      String error) {
    return add(
        new Call(
            calls.size() + 1,
            process,
            op,
            NS,
            name,
            handle,
            token,
            0,
            T0 + inv,
            T0 + comp,
            outcome,
            0,
            error));
  }

  private Call add(Call call) {
    calls.add(call);
    return call;
  }
}
