package dev.accord.server.backend;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The store of truth behind Accord. Every implementation has the same semantics (one contract test
 * suite runs against all of them) and takes only validated commands, so input rules live in one
 * place: the command types.
 *
 * <p>Lease times come from the store's own clock, so servers with skewed clocks agree. Methods
 * throw {@link LeaseRejectedException} for a refused handle and {@link BackendUnavailableException}
 * when the store cannot answer; anything else is a bug.
 */
public interface Backend extends AutoCloseable {
  /**
   * Grants a lease when the resource is new, or not done and its lease has expired (the new grant
   * gets a new handle and num_acquired + 1); otherwise reports it HELD or DONE. Metadata merges
   * over what is stored, on grants only.
   */
  AcquireAnswer acquire(AcquireCommand command);

  /**
   * {@link #acquire} without holding the caller's thread while the store works: the answer, or the
   * exception {@code acquire} would throw, completes the future. The server calls this on a network
   * thread, so it must not wait on anything slow (the default suits a store in memory). A backend
   * that batches requests overrides this.
   */
  default CompletableFuture<AcquireAnswer> acquireAsync(AcquireCommand command) {
    try {
      return CompletableFuture.completedFuture(acquire(command));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Grants, in one go, up to {@code max} of the candidates that {@link #acquire} would grant (new,
   * or not done with an expired lease), earlier candidates first, each as its own grant; reports
   * the candidates it found done or held. Two concurrent claims never grant one resource twice: a
   * candidate another caller took meanwhile is reported held.
   */
  ClaimAnswer claim(ClaimCommand command);

  /** Sets the current grant's expiry to now + TTL (0 releases it) and merges metadata. */
  void renew(RenewCommand command);

  /** Marks the resource done through its current grant and merges metadata. */
  void done(DoneCommand command);

  /** {@link #done} without holding the caller's thread; see {@link #acquireAsync}. */
  default CompletableFuture<Void> doneAsync(DoneCommand command) {
    try {
      done(command);
      return CompletableFuture.completedFuture(null);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * One page of a List: up to {@code limit} matching resources, newest first. The first page
   * ({@code after} null) skips {@code query.offset()} matches; each next page passes the last
   * resource of the page before as {@code after}. A page shorter than {@code limit} is the last.
   */
  List<Resource> list(ListQuery query, Resource after, int limit);

  /**
   * Where a Watch that starts now begins: every done mark before it is visible to a List run after
   * this call, and every later one will be returned by {@link #donesAfter}.
   */
  DoneCursor currentDoneCursor();

  /**
   * A cursor before every done mark of this store: {@link #donesAfter} from it returns them all.
   */
  DoneCursor firstDoneCursor();

  /**
   * Up to {@code limit} done marks and removals of {@code namespace} (exactly) after {@code after},
   * oldest first, cut so the page is one Watch response (see {@link DonePage}). A mark becomes
   * available only once every mark before it is, so a cursor never skips one that commits late.
   *
   * @throws CursorExpiredException when {@code after} is not this store's or is older than the
   *     removals it keeps (the first cursor never is)
   */
  default DonePage donesAfter(String namespace, DoneCursor after, int limit) {
    return donesAfter(namespace, after, after, limit);
  }

  /**
   * {@link #donesAfter(String, DoneCursor, int)} with removals only after {@code removalsAfter}
   * (when it is past {@code after}). A stream from the first cursor passes the current cursor taken
   * when it started: the rows it reads already reflect every earlier removal, so it need not replay
   * them.
   */
  DonePage donesAfter(String namespace, DoneCursor after, DoneCursor removalsAfter, int limit);

  /**
   * Calls {@code listener} with a namespace when a done mark or removal in it may have become
   * available, or with null when any may have (say, after a lost connection); on any thread,
   * possibly more often than needed, never with a lock held. Closing the returned handle stops the
   * calls.
   */
  AutoCloseable subscribeDone(java.util.function.Consumer<String> listener);

  /**
   * How many seconds the done stream's horizon lags behind now: the age of the oldest open
   * transaction that keeps Watch streams from passing it (0 for a store without one).
   */
  default double doneStreamLagSeconds() {
    return 0;
  }

  /** How far {@code namespace} (exactly) is; cheap on millions of rows. */
  NamespaceStats stats(String namespace);

  /**
   * The statistics of every namespace in {@code scope} that starts with {@code prefix} and has a
   * resource, in name order.
   */
  List<NamespaceStats> namespaces(String prefix, NamespaceScope scope);

  /**
   * Declares that {@code namespace} (exactly) will have {@code total} resources, shown as {@link
   * NamespaceStats#expected}; 0 clears the declaration. Replaces any earlier one.
   */
  void expect(String namespace, long total);

  /** The resource {@code name} of {@code namespace}, if one has been granted. */
  Optional<Resource> get(String namespace, String name);

  /**
   * Ends the unexpired lease of each named resource that is not done: the next acquire grants it
   * with num_acquired + 1, and the old handle is refused as SUPERSEDED. Returns the names released.
   */
  List<String> release(ResourceNames command);

  /**
   * Makes done resources pending again (not under a lease, num_acquired kept, the handle that
   * marked them done refused as SUPERSEDED) and records their removal for {@link #donesAfter}.
   * Resources that are not done are left alone. Returns how many became pending.
   */
  long reset(ResetCommand command);

  /**
   * Removes resources and records their removal for {@link #donesAfter}; a name granted again later
   * gets a num_acquired greater than any it had. Handles of removed grants are refused as unknown.
   * Returns how many were removed.
   */
  long delete(DeleteCommand command);

  /**
   * Retention: removes at most {@code maxRows} resources of any namespace done before {@code
   * cutoffMillis}, as {@link #delete} would; returns how many (fewer than {@code maxRows}: none
   * older is left).
   */
  long deleteDoneBefore(long cutoffMillis, int maxRows);

  /**
   * Forgets at most {@code maxRows} removals recorded before {@code beforeMillis}; {@link
   * #donesAfter} then refuses cursors older than the removals forgotten. Returns how many.
   */
  long pruneRemovals(long beforeMillis, int maxRows);

  /**
   * Checks the store answers now; throws {@link BackendUnavailableException} saying why when it
   * does not.
   */
  void checkHealth();

  /** A line for the logs saying what this backend is, with no secret in it. */
  String describe();

  @Override
  void close();
}
