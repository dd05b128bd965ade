package dev.accord.client;

import com.google.protobuf.ByteString;
import dev.accord.api.v1.DoneRequest;
import dev.accord.api.v1.DoneResponse;
import dev.accord.api.v1.Handle;
import dev.accord.api.v1.RenewRequest;
import io.grpc.Deadline;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * A worker's hold on one resource. It renews itself in the background (every ~30 % of the TTL, on
 * the client's one shared scheduler) until {@link #done()}, {@link #discard()} or {@link #close()};
 * closing without done discards, releasing the resource at once for another worker.
 *
 * <p>When the server refuses a renewal (the lease expired and was granted again, or the resource
 * was done through another grant), or renewals fail until the lease runs out, the lease is lost:
 * {@link #isValid()} turns false, the client's listener hears of it, and {@link #done()} throws
 * {@link LeaseLostException} instead of touching another worker's grant. After done or discard
 * every operation throws {@link IllegalStateException}.
 */
public final class Lease implements AutoCloseable {
  private enum State {
    ACTIVE,
    /** A {@link #doneAsync} is under way: not renewed, not valid, until it answers. */
    FINISHING,
    LOST,
    DONE,
    DISCARDED
  }

  /** A renewal with this TTL releases the lease at once. */
  private static final int RELEASE_TTL = 0;

  private final Calls calls;
  private final OpenLeases leases;
  private final Duration ttl;

  /** The done-cache of the lease's namespace, or null when the client keeps none for it. */
  private final DoneCache cache;

  private final String name;
  private final ByteString handleId;
  private final long fencingToken;
  private final LeaseMetadata metadata;

  private volatile State state = State.ACTIVE;
  private volatile LeaseLostException lostBecause;
  private final CompletableFuture<LeaseLostException> lost = new CompletableFuture<>();

  /**
   * Our conservative view of the expiry: when the last successful renewal was sent, plus the TTL.
   */
  private volatile long expiresAtNanos;

  private final LeaseRenewal renewal;

  Lease(Calls calls, OpenLeases leases, Handle handle, long sentAt, Duration ttl, DoneCache cache) {
    this.calls = calls;
    this.leases = leases;
    this.ttl = ttl;
    this.cache = cache;
    this.name = handle.getName();
    this.handleId = handle.getId();
    this.fencingToken = Integer.toUnsignedLong(handle.getNumAcquired());
    this.metadata = new LeaseMetadata(handle.getMetadataMap());
    this.expiresAtNanos = sentAt + ttl.toNanos();
    this.renewal = new LeaseRenewal(this, calls, ttl);
  }

  /** The resource's name. */
  public String name() {
    return name;
  }

  /**
   * The grant's fencing token (its num_acquired): larger for every later grant of this resource.
   * Pass it to whatever the work writes, so a store can refuse writes from a worker whose lease was
   * lost.
   */
  public long fencingToken() {
    return fencingToken;
  }

  /** The grant's 16-byte handle ID. */
  public byte[] handleId() {
    return handleId.toByteArray();
  }

  /** True while this lease is the worker's: not lost, done or discarded. */
  public boolean isValid() {
    return state == State.ACTIVE;
  }

  /**
   * True once the lease was lost while running (a renewal was refused, or renewals failed until it
   * ran out): the resource may be another worker's now. A long task polls this between steps.
   */
  public boolean isLost() {
    return lost.isDone();
  }

  /**
   * Completes with the reason when the lease is lost while running; never completes otherwise.
   * Callbacks run on the client's background thread and must not block (cancel the work, set a
   * flag, interrupt a thread).
   */
  public CompletableFuture<LeaseLostException> whenLost() {
    return lost.thenApply(reason -> reason);
  }

  /** True once this lease marked the resource done. */
  public boolean isDone() {
    return state == State.DONE;
  }

  /**
   * When the lease runs out unless renewed, as far as this client knows (never later than the
   * server's view).
   */
  public Instant expiresAt() {
    long left = expiresAtNanos - System.nanoTime();
    return Instant.now().plusNanos(left);
  }

  /** The resource's metadata: what the server returned, with what this worker set since. */
  public Map<String, String> metadata() {
    return metadata.view();
  }

  /** Sets a metadata entry, sent with the next renewal or done. */
  public void setMetadata(String key, String value) {
    requireActive("set metadata on");
    metadata.set(key, value);
  }

  /**
   * Renews now, merging {@code extra} and anything set with {@link #setMetadata}.
   *
   * @throws LeaseLostException when the server refuses it: the lease is lost
   */
  public synchronized void renew(Map<String, String> extra) {
    requireActive("renew");
    Map<String, String> sending = metadata.outgoing(extra);
    long sentAt = System.nanoTime();
    RenewRequest request = renewRequest((int) ttl.toSeconds(), sending);
    try {
      calls.call("renew " + name, stub -> stub.renew(request));
    } catch (LeaseLostException e) {
      throw lose(e);
    }
    sent(sending, sentAt);
  }

  public void renew() {
    renew(Map.of());
  }

  /**
   * Marks the resource done, with {@code extra} and anything set with {@link #setMetadata}; the
   * lease ends.
   *
   * @throws LeaseLostException when the lease was lost: another worker may have the resource
   * @throws IllegalStateException when the lease was already done or discarded
   */
  public synchronized void done(Map<String, String> extra) {
    requireActive("mark done");
    Map<String, String> sending = metadata.outgoing(extra);
    try {
      calls.call(
          "done " + name,
          stub ->
              stub.done(
                  DoneRequest.newBuilder()
                      .setOwner(leases.owner())
                      .setHandleId(handleId)
                      .putAllMetadata(sending)
                      .build()));
    } catch (LeaseLostException e) {
      // DONE means this very grant is already done: an earlier attempt of ours got through before
      // it failed.
      if (!"DONE".equals(e.reason())) {
        throw lose(e);
      }
    }
    finish(State.DONE);
    metadata.sent(sending);
    if (cache != null) {
      cache.add(name);
    }
  }

  /**
   * {@link #done(Map)} without blocking a thread: the future completes once the server has marked
   * the resource done, or with the exception done would throw. While the call is under way the
   * lease is neither valid nor renewed; should the server stay unreachable until the call deadline,
   * the lease is valid again (renewing, if it has not run out) and the future fails. Callbacks run
   * on a channel thread and must not block.
   *
   * @throws IllegalStateException when the lease was already done or discarded
   */
  public CompletableFuture<Void> doneAsync(Map<String, String> extra) {
    Map<String, String> sending;
    synchronized (this) {
      requireActive("mark done");
      sending = metadata.outgoing(extra);
      state = State.FINISHING;
    }
    DoneRequest request =
        DoneRequest.newBuilder()
            .setOwner(leases.owner())
            .setHandleId(handleId)
            .putAllMetadata(sending)
            .build();
    return calls
        .<DoneResponse>callAsync("done " + name, (stub, answer) -> stub.done(request, answer))
        .handle((response, error) -> doneAnswered(sending, error));
  }

  private synchronized Void doneAnswered(Map<String, String> sending, Throwable error) {
    // DONE means this very grant is already done: an earlier attempt of ours got through.
    if (error == null
        || (error instanceof LeaseLostException refused && "DONE".equals(refused.reason()))) {
      finish(State.DONE);
      metadata.sent(sending);
      if (cache != null) {
        cache.add(name);
      }
      return null;
    }
    if (error instanceof LeaseLostException refused) {
      throw lose(refused);
    }
    state = State.ACTIVE;
    renewal.start();
    throw error instanceof RuntimeException failure ? failure : new CompletionException(error);
  }

  public void done() {
    done(Map.of());
  }

  /**
   * Gives the resource up: the lease is released at once so another worker can take it. Failures to
   * reach the server are reported to the listener, not thrown: the lease then runs out by itself.
   *
   * @throws IllegalStateException when the lease was already done or discarded
   */
  public synchronized void discard(Map<String, String> extra) {
    if (state == State.LOST) {
      finish(State.DISCARDED);
      return;
    }
    requireActive("discard");
    Map<String, String> sending = metadata.outgoing(extra);
    finish(State.DISCARDED);
    RenewRequest release = renewRequest(RELEASE_TTL, sending);
    try {
      calls.call("discard " + name, stub -> stub.renew(release));
    } catch (AccordException e) {
      calls
          .listener()
          .backgroundError("discard of " + name + " (its lease will run out by itself)", e);
    }
  }

  public void discard() {
    discard(Map.of());
  }

  /**
   * Discards the lease unless it is done (or already closed): the end of a try-with-resources
   * block.
   */
  @Override
  public synchronized void close() {
    if (state == State.ACTIVE || state == State.LOST) {
      discard();
    }
  }

  /**
   * The client is closing: release at once without waiting or retrying (the channel's shutdown lets
   * the call finish). Should the server be unreachable, the lease simply runs out.
   */
  synchronized void releaseAsClientCloses() {
    if (state != State.ACTIVE) {
      return;
    }
    Map<String, String> sending = metadata.outgoing(Map.of());
    finish(State.DISCARDED);
    String what = "release of " + name + " as the client closed (its lease will run out by itself)";
    calls.renewInBackground(
        renewRequest(RELEASE_TTL, sending),
        Deadline.after(5, TimeUnit.SECONDS),
        () -> {},
        error -> calls.listener().backgroundError(what, error));
  }

  void startRenewing() {
    renewal.start();
  }

  // ---- state ----

  /** A renewal of this grant for {@code ttlSeconds} from now, carrying {@code metadata}. */
  RenewRequest renewRequest(int ttlSeconds, Map<String, String> metadata) {
    return RenewRequest.newBuilder()
        .setOwner(leases.owner())
        .setHandleId(handleId)
        .setTtl(ttlSeconds)
        .putAllMetadata(metadata)
        .build();
  }

  /** What was sent is now the server's, and the lease runs a TTL from when it was sent. */
  void sent(Map<String, String> sending, long sentAtNanos) {
    metadata.sent(sending);
    expiresAtNanos = sentAtNanos + ttl.toNanos();
  }

  /** What a renewal would send now: everything set since the last one that got through. */
  Map<String, String> outgoingMetadata() {
    return metadata.outgoing(Map.of());
  }

  long expiresAtNanos() {
    return expiresAtNanos;
  }

  /** The lease is lost for {@code cause}; the caller holds this lease's monitor. */
  LeaseLostException lose(LeaseLostException cause) {
    lostBecause = cause;
    finish(State.LOST);
    calls.metrics().leaseLost();
    calls.listener().leaseLost(this, cause);
    lost.complete(cause);
    return cause;
  }

  private void finish(State end) {
    state = end;
    renewal.cancel();
    leases.ended(this);
  }

  private void requireActive(String action) {
    switch (state) {
      case ACTIVE -> {}
      case LOST -> {
        String why = "the lease was lost: " + lostBecause.getMessage();
        throw new LeaseLostException(cannot(action, why), lostBecause.reason(), lostBecause);
      }
      default -> {
        String why = "the lease is closed (" + state.name().toLowerCase() + ")";
        throw new IllegalStateException(cannot(action, why));
      }
    }
  }

  private String cannot(String action, String why) {
    return "cannot " + action + " \"" + name + "\": " + why;
  }

  @Override
  public String toString() {
    return "Lease{" + name + ", token " + fencingToken + ", " + state.name().toLowerCase() + "}";
  }
}
