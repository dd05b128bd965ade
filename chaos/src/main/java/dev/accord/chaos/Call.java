package dev.accord.chaos;

import java.util.Objects;

/**
 * One client call as the history holds it: what was asked, when (client wall clock, Unix ms, the
 * clock the database's {@code now()} also reads on this machine), and what came back.
 *
 * @param id order of invocation, from 1
 * @param process the worker that made the call
 * @param op what was called
 * @param namespace the resource's namespace
 * @param name the resource's name
 * @param handle the handle id in hex: the one used (renew, release, done) or granted (acquire OK);
 *     empty otherwise
 * @param token the fencing token of that handle; 0 when there is none
 * @param ttlSeconds the lease length asked for (acquire, renew); 0 for release and done
 * @param invokedAt when the request was sent
 * @param completedAt when the answer came back; {@link #NEVER} while none has
 * @param outcome what the answer means
 * @param expiresAt the lease expiry the server reported (acquire OK); 0 otherwise
 * @param error the gRPC status code and reason of a failed call; empty otherwise
 */
public record Call(
    long id,
    int process,
    Op op,
    String namespace,
    String name,
    String handle,
    long token,
    int ttlSeconds,
    long invokedAt,
    long completedAt,
    Outcome outcome,
    long expiresAt,
    String error) {

  /** The completion time of a call that never completed. */
  public static final long NEVER = Long.MAX_VALUE;

  /** What a worker asked the server. */
  public enum Op {
    ACQUIRE,
    RENEW,
    /** Renew with ttl 0. */
    RELEASE,
    DONE
  }

  /** What the answer means for the checker. */
  public enum Outcome {
    /** Acquire granted, or renew, release or done accepted. */
    OK,
    /** Acquire: another grant's lease runs. */
    HELD,
    /** Acquire: the resource is done. */
    DONE,
    /** A definite refusal (FAILED_PRECONDITION, PERMISSION_DENIED, ...): nothing was written. */
    REFUSED,
    /**
     * No answer, or one that does not say whether the call took effect (DEADLINE_EXCEEDED,
     * UNAVAILABLE, CANCELLED): it may or may not have happened, at any time after its invocation.
     */
    INDETERMINATE,
    /**
     * INTERNAL or UNKNOWN: a server bug by Accord's own contract. May or may not have taken effect.
     */
    UNEXPECTED
  }

  public Call {
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(outcome, "outcome");
    namespace = Objects.requireNonNullElse(namespace, "");
    name = Objects.requireNonNullElse(name, "");
    handle = Objects.requireNonNullElse(handle, "");
    error = Objects.requireNonNullElse(error, "");
  }

  /** The resource, as {@code namespace/name}. */
  public String resource() {
    return namespace + "/" + name;
  }

  /** True when the answer says for certain what happened. */
  public boolean isDefinite() {
    return outcome != Outcome.INDETERMINATE && outcome != Outcome.UNEXPECTED;
  }

  /** True when the server acknowledged the call as done as asked. */
  public boolean isOk() {
    return outcome == Outcome.OK;
  }

  /** This call with its answer. */
  public Call completed(
      long at, Outcome newOutcome, String newHandle, long newToken, long newExpiresAt, String err) {
    return new Call(
        id,
        process,
        op,
        namespace,
        name,
        newHandle == null || newHandle.isEmpty() ? handle : newHandle,
        newToken == 0 ? token : newToken,
        ttlSeconds,
        invokedAt,
        at,
        newOutcome,
        newExpiresAt,
        err);
  }

  /**
   * One line naming the call, with times relative to {@code origin} (the history's first
   * invocation) so a report reads as a timeline.
   */
  public String describe(long origin) {
    StringBuilder line = new StringBuilder();
    line.append('#')
        .append(id)
        .append(" p")
        .append(process)
        .append(' ')
        .append(op.name().toLowerCase(java.util.Locale.ROOT))
        .append(' ')
        .append(resource());
    if (ttlSeconds > 0) {
      line.append(" ttl=").append(ttlSeconds).append('s');
    }
    line.append(" -> ").append(outcome);
    if (!error.isEmpty()) {
      line.append(" (").append(error).append(')');
    }
    if (!handle.isEmpty()) {
      line.append(" handle=").append(handle, 0, Math.min(8, handle.length()));
    }
    if (token != 0) {
      line.append(" token=").append(token);
    }
    if (expiresAt != 0) {
      line.append(" exp=").append(relative(expiresAt, origin));
    }
    line.append(" [")
        .append(relative(invokedAt, origin))
        .append(" .. ")
        .append(completedAt == NEVER ? "never" : relative(completedAt, origin))
        .append(']');
    return line.toString();
  }

  private static String relative(long at, long origin) {
    return String.format(java.util.Locale.ROOT, "%.3fs", (at - origin) / 1000.0);
  }
}
