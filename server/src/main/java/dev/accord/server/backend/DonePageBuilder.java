package dev.accord.server.backend;

import java.util.ArrayList;
import java.util.List;

/**
 * Gathers a namespace's done marks and removals, in store order, into one {@link DonePage}: a Watch
 * response applies removed_all, then removed, then names, so a removal that follows a done mark
 * starts the next page. Both backends page with it, so they cut pages alike.
 */
public final class DonePageBuilder {
  /** What happened to a name. */
  public enum Change {
    DONE,
    REMOVED,
    /** Every name done before was removed (the name is null). */
    REMOVED_ALL
  }

  private final List<String> names = new ArrayList<>();
  private final List<String> removed = new ArrayList<>();
  private boolean removedAll;
  private DoneCursor removedAllAt;
  private final List<DoneCursor> removedAt = new ArrayList<>();
  private final List<DoneCursor> namesAt = new ArrayList<>();
  private int size;

  /**
   * Adds the next change, which sits at {@code at} in the store; returns false, adding nothing,
   * when it must start the next page instead.
   */
  public boolean add(Change change, String name, DoneCursor at) {
    switch (change) {
      case DONE -> {
        names.add(name);
        namesAt.add(at);
      }
      case REMOVED -> {
        if (!names.isEmpty()) {
          return false;
        }
        removed.add(name);
        removedAt.add(at);
      }
      case REMOVED_ALL -> {
        if (!names.isEmpty()) {
          return false;
        }
        // Names removed before the whole namespace was are dropped by it anyway.
        removed.clear();
        removedAt.clear();
        removedAll = true;
        removedAllAt = at;
      }
    }
    size++;
    return true;
  }

  /** How many changes were added. */
  public int size() {
    return size;
  }

  public DonePage build(DoneCursor next, boolean morePending) {
    List<DoneCursor> positions = new ArrayList<>(size);
    if (removedAll) {
      positions.add(removedAllAt);
    }
    positions.addAll(removedAt);
    positions.addAll(namesAt);
    return new DonePage(names, next, morePending, removed, removedAll, positions);
  }
}
