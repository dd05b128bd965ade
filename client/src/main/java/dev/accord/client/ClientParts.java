package dev.accord.client;

import java.util.Map;

/**
 * What every {@link Scope} of one client shares: the connection, the open leases, and the client's
 * own namespace with its done-cache and done feed.
 *
 * @param cache the done-cache of {@code namespace}
 * @param news the done feed's news of {@code namespace}, or null when the client keeps no cache
 */
record ClientParts(
    Calls calls,
    OpenLeases leases,
    String namespace,
    DoneCache cache,
    DoneNews news,
    Map<String, String> defaultMetadata) {}
