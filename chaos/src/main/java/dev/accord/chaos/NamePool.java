package dev.accord.chaos;

import java.util.Random;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The few names the workers contend for. A done name is done forever, so each slot moves on to a
 * fresh name once a worker sees its current one done; the workers keep fighting over as many names
 * as there are slots.
 */
public final class NamePool {
  private final AtomicIntegerArray generations;

  public NamePool(int slots) {
    if (slots < 1) {
      throw new IllegalArgumentException("slots must be >= 1, got " + slots);
    }
    generations = new AtomicIntegerArray(slots);
  }

  /** One of the current names, at random. */
  public String pick(Random random) {
    int slot = random.nextInt(generations.length());
    return "n" + slot + "-" + generations.get(slot);
  }

  /** {@code name} is done: its slot moves on (once, however many workers report it). */
  public void retire(String name) {
    int dash = name.indexOf('-');
    int slot = Integer.parseInt(name.substring(1, dash));
    int generation = Integer.parseInt(name.substring(dash + 1));
    generations.compareAndSet(slot, generation, generation + 1);
  }
}
