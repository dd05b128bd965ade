package dev.accord.server.testing;

import dev.accord.server.backend.AcquireAnswer;
import dev.accord.server.backend.AcquireCommand;
import dev.accord.server.backend.Backend;
import dev.accord.server.backend.ClaimAnswer;
import dev.accord.server.backend.ClaimCommand;
import dev.accord.server.backend.DeleteCommand;
import dev.accord.server.backend.DoneCommand;
import dev.accord.server.backend.DoneCursor;
import dev.accord.server.backend.DonePage;
import dev.accord.server.backend.ListQuery;
import dev.accord.server.backend.NamespaceScope;
import dev.accord.server.backend.NamespaceStats;
import dev.accord.server.backend.RenewCommand;
import dev.accord.server.backend.ResetCommand;
import dev.accord.server.backend.Resource;
import dev.accord.server.backend.ResourceNames;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** Passes every call to another backend; tests override the calls they want to watch or hold up. */
public class ForwardingBackend implements Backend {
  protected volatile Backend delegate;

  public ForwardingBackend(Backend delegate) {
    this.delegate = delegate;
  }

  public void setDelegate(Backend delegate) {
    this.delegate = delegate;
  }

  @Override
  public AcquireAnswer acquire(AcquireCommand command) {
    return delegate.acquire(command);
  }

  @Override
  public CompletableFuture<AcquireAnswer> acquireAsync(AcquireCommand command) {
    return delegate.acquireAsync(command);
  }

  @Override
  public CompletableFuture<Void> doneAsync(DoneCommand command) {
    return delegate.doneAsync(command);
  }

  @Override
  public DoneCursor firstDoneCursor() {
    return delegate.firstDoneCursor();
  }

  @Override
  public ClaimAnswer claim(ClaimCommand command) {
    return delegate.claim(command);
  }

  @Override
  public void renew(RenewCommand command) {
    delegate.renew(command);
  }

  @Override
  public void done(DoneCommand command) {
    delegate.done(command);
  }

  @Override
  public List<Resource> list(ListQuery query, Resource after, int limit) {
    return delegate.list(query, after, limit);
  }

  @Override
  public DoneCursor currentDoneCursor() {
    return delegate.currentDoneCursor();
  }

  @Override
  public DonePage donesAfter(String namespace, DoneCursor after, int limit) {
    return delegate.donesAfter(namespace, after, limit);
  }

  @Override
  public DonePage donesAfter(
      String namespace, DoneCursor after, DoneCursor removalsAfter, int limit) {
    return delegate.donesAfter(namespace, after, removalsAfter, limit);
  }

  @Override
  public AutoCloseable subscribeDone(Consumer<String> listener) {
    return delegate.subscribeDone(listener);
  }

  @Override
  public void checkHealth() {
    delegate.checkHealth();
  }

  @Override
  public String describe() {
    return "forwarding to " + delegate.describe();
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public NamespaceStats stats(String namespace) {
    return delegate.stats(namespace);
  }

  @Override
  public void expect(String namespace, long total) {
    delegate.expect(namespace, total);
  }

  @Override
  public List<NamespaceStats> namespaces(String prefix, NamespaceScope scope) {
    return delegate.namespaces(prefix, scope);
  }

  @Override
  public Optional<Resource> get(String namespace, String name) {
    return delegate.get(namespace, name);
  }

  @Override
  public List<String> release(ResourceNames command) {
    return delegate.release(command);
  }

  @Override
  public long reset(ResetCommand command) {
    return delegate.reset(command);
  }

  @Override
  public long delete(DeleteCommand command) {
    return delegate.delete(command);
  }

  @Override
  public long deleteDoneBefore(long cutoffMillis, int maxRows) {
    return delegate.deleteDoneBefore(cutoffMillis, maxRows);
  }

  @Override
  public long pruneRemovals(long beforeMillis, int maxRows) {
    return delegate.pruneRemovals(beforeMillis, maxRows);
  }
}
