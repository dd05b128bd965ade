package dev.accord.client;

import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;

/**
 * Tells whoever waits on names of the client's namespace (a work loop revisiting held names, an
 * acquire waiting) that the done feed heard them marked done. Listeners run on the feed's thread
 * and must not block.
 */
final class DoneNews {
  private final Set<Consumer<String>> listeners = new CopyOnWriteArraySet<>();

  void subscribe(Consumer<String> listener) {
    listeners.add(listener);
  }

  void unsubscribe(Consumer<String> listener) {
    listeners.remove(listener);
  }

  /** The feed heard {@code name} marked done. */
  void heard(String name) {
    for (Consumer<String> listener : listeners) {
      listener.accept(name);
    }
  }

  boolean isEmpty() {
    return listeners.isEmpty();
  }
}
