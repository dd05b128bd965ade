package dev.accord.chaos;

import dev.accord.chaos.Call.Op;
import dev.accord.chaos.Call.Outcome;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Records every call's invocation and completion, from any number of worker threads at once. Each
 * call costs an id, two clock reads and two lock-free collection updates, so recording does not
 * change the timing it records.
 */
public final class History {
  private final LongSupplier clock;
  private final AtomicLong nextId = new AtomicLong();
  private final Map<Long, Call> pending = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Call> completed = new ConcurrentLinkedQueue<>();

  /** A history on the wall clock, the clock PostgreSQL's {@code now()} reads too. */
  public History() {
    this(System::currentTimeMillis);
  }

  public History(LongSupplier clock) {
    this.clock = clock;
  }

  /**
   * Records that {@code process} sends a request now; complete it through the returned invocation
   * exactly once.
   */
  public Invocation invoke(
      int process, Op op, String namespace, String name, String handle, long token, int ttl) {
    Call call =
        new Call(
            nextId.incrementAndGet(),
            process,
            op,
            namespace,
            name,
            handle,
            token,
            ttl,
            clock.getAsLong(),
            Call.NEVER,
            Outcome.INDETERMINATE,
            0,
            "");
    pending.put(call.id(), call);
    return new Invocation(call);
  }

  /**
   * Every call so far, in invocation order; a call still without an answer is in it as
   * INDETERMINATE that never completed.
   */
  public List<Call> calls() {
    List<Call> all = new ArrayList<>(completed);
    all.addAll(pending.values());
    all.sort(Comparator.comparingLong(Call::id));
    return all;
  }

  /** How many calls were invoked. */
  public long size() {
    return nextId.get();
  }

  /** A call sent and not yet answered. */
  public final class Invocation {
    private final Call call;

    private Invocation(Call call) {
      this.call = call;
    }

    /** An acquire granted the lease: its handle, fencing token and the expiry the server gave. */
    public void granted(String handle, long token, long expiresAt) {
      finish(call.completed(clock.getAsLong(), Outcome.OK, handle, token, expiresAt, ""));
    }

    /** A renew, release or done was accepted; an acquire answered HELD or DONE. */
    public void answered(Outcome outcome) {
      finish(call.completed(clock.getAsLong(), outcome, "", 0, 0, ""));
    }

    /** The call failed with a gRPC status: {@code code} and, when the server gave one, reason. */
    public void failed(Outcome outcome, String error) {
      finish(call.completed(clock.getAsLong(), outcome, "", 0, 0, error));
    }

    private void finish(Call done) {
      if (pending.remove(call.id()) == null) {
        throw new IllegalStateException("call #" + call.id() + " completed twice");
      }
      completed.add(done);
    }
  }
}
