package dev.accord.server.backend;

/**
 * How far one namespace is.
 *
 * @param done resources marked done
 * @param held not done, under an unexpired lease
 * @param pending not done and not under a lease (never granted since a reset, released, or the
 *     lease expired)
 * @param oldestPendingMillis Unix milliseconds (store clock) since which the longest-waiting
 *     pending resource has been pending; 0 when none is
 * @param latestDoneMillis Unix milliseconds of the latest done mark; 0 when none is done
 * @param expected the total of resources declared for the namespace; 0 when none is
 */
public record NamespaceStats(
    String namespace,
    long done,
    long held,
    long pending,
    long oldestPendingMillis,
    long latestDoneMillis,
    long expected) {

  /** Statistics with no declared total. */
  public NamespaceStats(
      String namespace,
      long done,
      long held,
      long pending,
      long oldestPendingMillis,
      long latestDoneMillis) {
    this(namespace, done, held, pending, oldestPendingMillis, latestDoneMillis, 0);
  }

  /** These statistics with {@code total} as the declared total. */
  public NamespaceStats withExpected(long total) {
    return new NamespaceStats(
        namespace, done, held, pending, oldestPendingMillis, latestDoneMillis, total);
  }

  /** The statistics of a namespace with no resource. */
  public static NamespaceStats empty(String namespace) {
    return new NamespaceStats(namespace, 0, 0, 0, 0, 0);
  }

  public boolean isEmpty() {
    return done + held + pending == 0;
  }
}
