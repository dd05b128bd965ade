package dev.accord.server.backend;

import java.util.List;

/**
 * Done marks and removals of one namespace after a cursor, in the shape of one Watch response:
 * first {@code removedAll}, then {@code removed}, then {@code names}, which is also their order in
 * the store (a page ends before a removal that follows a done mark).
 *
 * @param names the names marked done
 * @param next the cursor after them
 * @param morePending whether more marks are known to follow soon: the page was full, or marks were
 *     committed that cannot be delivered yet because an older transaction is still open; the caller
 *     should ask again shortly
 * @param removed names that stopped being done (reset or deleted), oldest first
 * @param removedAll whether every name of the namespace done before this page was removed
 * @param positions where each change sits in the store, in the page's order: the removal of all
 *     first (when {@code removedAll}), then each of {@code removed}, then each of {@code names}
 */
public record DonePage(
    List<String> names,
    DoneCursor next,
    boolean morePending,
    List<String> removed,
    boolean removedAll,
    List<DoneCursor> positions) {
  public DonePage {
    names = List.copyOf(names);
    removed = List.copyOf(removed);
    positions = List.copyOf(positions);
    int changes = names.size() + removed.size() + (removedAll ? 1 : 0);
    if (positions.size() != changes) {
      throw new IllegalArgumentException(
          "positions: " + positions.size() + " for " + changes + " changes");
    }
  }

  /** Whether this page carries nothing for a cache (a bookmark at most). */
  public boolean isEmpty() {
    return names.isEmpty() && removed.isEmpty() && !removedAll;
  }

  /**
   * What a reader whose cursor is {@code reader} still lacks of this page: the changes after it,
   * with the same {@link #next}. The reader has every change at or before its cursor, so it must
   * not get those again.
   */
  public DonePage after(DoneCursor reader) {
    int skip = 0;
    while (skip < positions.size() && reader.isAtOrAfter(positions.get(skip))) {
      skip++;
    }
    if (skip == 0) {
      return this;
    }
    // Positions rise through the page, so the changes kept are a tail of removed_all, removed,
    // names in that order.
    int skipOfRemovedAll = removedAll ? 1 : 0;
    int skipOfRemoved = Math.min(removed.size(), skip - skipOfRemovedAll);
    int skipOfNames = skip - skipOfRemovedAll - skipOfRemoved;
    return new DonePage(
        names.subList(skipOfNames, names.size()),
        next,
        morePending,
        removed.subList(skipOfRemoved, removed.size()),
        false,
        positions.subList(skip, positions.size()));
  }
}
