package dev.accord.server.backend;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** Waiting on a backend's asynchronous answer from code that wants the synchronous form. */
public final class Futures {
  private Futures() {}

  /** The answer, or the backend's exception as the backend raised it. */
  public static <T> T await(CompletableFuture<T> answer) {
    try {
      return answer.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      if (e.getCause() instanceof Error cause) {
        throw cause;
      }
      throw new IllegalStateException("backend failed with a checked exception", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BackendUnavailableException("interrupted while waiting for the database", e);
    }
  }
}
