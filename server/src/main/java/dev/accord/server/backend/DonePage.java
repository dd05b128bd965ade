package dev.accord.server.backend;

import java.util.List;

/**
 * Done marks of one namespace after a cursor, oldest first.
 *
 * @param names the names marked done
 * @param next the cursor after them
 * @param morePending whether more marks are known to follow soon: the page was full, or marks were
 *     committed that cannot be delivered yet because an older transaction is still open; the caller
 *     should ask again shortly
 */
public record DonePage(List<String> names, DoneCursor next, boolean morePending) {}
