package dev.accord.client;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The client's calls in one namespace with one TTL, over the client's one connection and under its
 * owner: {@code client.in("daily-2026-12-01").withTtl(Duration.ofMinutes(1)).acquire(name)}. A
 * scope is cheap to make and keep, thread-safe, and lives as long as its client. Only the client's
 * own namespace has a done-cache: in another, every acquire and claim asks the server.
 *
 * <pre>{@code
 * Scope reports = client.in("reports").withTtl(Duration.ofSeconds(90));
 * AcquireResult result = reports.acquire("2026-12-01.csv", Duration.ofMinutes(5));  // waits
 * CompletableFuture<ClaimResult> batch = reports.claimAsync(names, 8);
 * }</pre>
 */
public final class Scope {
  private final ClientParts client;
  private final Acquirer acquirer;

  /** The done feed's news of this scope's namespace, or null when the client keeps none for it. */
  private final DoneNews news;

  Scope(ClientParts client, String namespace, Duration ttl) {
    this.client = client;
    boolean own = namespace.equals(client.namespace());
    this.news = own ? client.news() : null;
    this.acquirer =
        new Acquirer(
            client.calls(),
            client.leases(),
            own ? client.cache() : null,
            namespace,
            ttl,
            client.defaultMetadata());
  }

  /**
   * This scope in namespace {@code namespace}.
   *
   * @throws IllegalArgumentException when the namespace is longer than the server allows
   */
  public Scope in(String namespace) {
    Settings.namespace(namespace, "namespace");
    return new Scope(client, namespace, ttl());
  }

  /**
   * This scope with leases of {@code ttl}.
   *
   * @throws IllegalArgumentException unless whole seconds from 1 s to 24 h
   */
  public Scope withTtl(Duration ttl) {
    Settings.ttl(ttl, "ttl");
    return new Scope(client, namespace(), ttl);
  }

  public String namespace() {
    return acquirer.namespace();
  }

  public Duration ttl() {
    return acquirer.ttl();
  }

  /** As {@link AccordClient#acquire(String)}, in this scope. */
  public AcquireResult acquire(String name) {
    return acquirer.acquire(name, Map.of());
  }

  /** As {@link AccordClient#acquire(String, Map)}, in this scope. */
  public AcquireResult acquire(String name, Map<String, String> metadata) {
    return acquirer.acquire(name, metadata);
  }

  /**
   * Acquires {@code name}, waiting up to {@code wait} while another worker holds it: answers
   * ACQUIRED as soon as it is granted, DONE as soon as it is done, and HELD (with {@code
   * heldUntil}) when the wait ends first. While held it asks again when the holder's lease would
   * run out (a released or expired lease is granted then) and at once when the name is marked done
   * (heard over Watch); it never polls faster. Interrupting the caller stops the wait (a lease
   * granted meanwhile is released).
   *
   * @throws IllegalArgumentException when {@code wait} is negative
   * @throws AccordException when the server refuses an acquire or cannot be reached within the call
   *     deadline
   */
  public AcquireResult acquire(String name, Duration wait) throws InterruptedException {
    return await(acquireAsync(name, wait));
  }

  /** {@link #acquire(String)} on a client thread: the future completes with the answer. */
  public CompletableFuture<AcquireResult> acquireAsync(String name) {
    return client.calls().inBackground(() -> acquirer.acquire(name, Map.of()));
  }

  /**
   * {@link #acquire(String, Duration)} without blocking: no thread is held while waiting.
   * Cancelling the future ends the wait (a lease granted meanwhile is released).
   */
  public CompletableFuture<AcquireResult> acquireAsync(String name, Duration wait) {
    return AcquireWait.start(acquirer, client.calls(), news, name, Map.of(), wait);
  }

  /** As {@link AccordClient#claim(List, int)}, in this scope. */
  public ClaimResult claim(List<String> names, int max) {
    return acquirer.claim(names, max);
  }

  /**
   * {@link #claim(List, int)} on a client thread: the future completes with the answer, or with the
   * exception the claim would throw.
   */
  public CompletableFuture<ClaimResult> claimAsync(List<String> names, int max) {
    List<String> copy = List.copyOf(names);
    return client.calls().inBackground(() -> acquirer.claim(copy, max));
  }

  /**
   * Whether this scope's done-cache knows {@code name} is done (never outside the client's own).
   */
  public boolean isKnownDone(String name) {
    return acquirer.isKnownDone(name);
  }

  /** A {@link WorkLoop} over resources of this scope. */
  public WorkLoop workLoop(int concurrency, WorkLoop.Task task) {
    return new WorkLoop(this, client.calls(), concurrency, task);
  }

  /** Where the loop hears of names done, or null when nobody tells (no cache here). */
  DoneNews doneNews() {
    return news;
  }

  private static <T> T await(CompletableFuture<T> future) throws InterruptedException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      future.cancel(false);
      throw e;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure;
      }
      throw new IllegalStateException(e.getCause());
    }
  }
}
