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
 */
public record DonePage(
    List<String> names,
    DoneCursor next,
    boolean morePending,
    List<String> removed,
    boolean removedAll) {
  public DonePage {
    names = List.copyOf(names);
    removed = List.copyOf(removed);
  }

  /** A page of done marks only. */
  public DonePage(List<String> names, DoneCursor next, boolean morePending) {
    this(names, next, morePending, List.of(), false);
  }

  /** Whether this page carries nothing for a cache (a bookmark at most). */
  public boolean isEmpty() {
    return names.isEmpty() && removed.isEmpty() && !removedAll;
  }
}
