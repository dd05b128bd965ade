package dev.accord.chaos;

/**
 * A resource as the database holds it at the end of a run, read straight from its table.
 *
 * @param resource {@code namespace/name}
 * @param numAcquired the resource's fencing token: how often it was granted
 * @param done whether its done mark is set
 */
public record ResourceRow(String resource, long numAcquired, boolean done) {}
