package dev.accord.server.backend.postgres;

import dev.accord.server.backend.GrantCheck;

/**
 * The SQL of the administrative operations. Each changing statement records its removals in
 * accord_removal (for Watch), raises the namespace's grant floor when it deletes rows, and wakes
 * the namespace's watchers on commit, all in its one transaction.
 */
final class AdminStatements {
  private AdminStatements() {}

  /**
   * Counts of one namespace: done from the counters the write statements keep (V6), the latest done
   * time from the end of the done-time index, the leases of the rows not done from the heap (few in
   * a namespace being worked), the declared total (V7). Parameters: namespace × 4.
   */
  static final String STATS_SQL =
      """
      SELECT coalesce((SELECT sum(n.done) FROM accord_namespace_count n WHERE n.namespace = ?), 0)::bigint,
             coalesce((SELECT floor(extract(epoch FROM max(l.done_at)) * 1000)::bigint FROM accord_resource l
                        WHERE l.namespace = ? AND l.done_at IS NOT NULL), 0),
             p.held, p.pending, coalesce(floor(extract(epoch FROM p.oldest) * 1000)::bigint, 0),
             coalesce((SELECT e.total FROM accord_namespace_expected e WHERE e.namespace = ?), 0)
        FROM (SELECT count(*) FILTER (WHERE r.expires_at > now()) AS held,
                     count(*) FILTER (WHERE r.expires_at <= now()) AS pending,
                     min(r.expires_at) FILTER (WHERE r.expires_at <= now()) AS oldest
                FROM accord_resource r WHERE r.namespace = ? AND r.done_at IS NULL) p""";

  /** Declares a namespace's total, or replaces it. Parameters: namespace, total. */
  static final String EXPECT_SQL =
      """
      INSERT INTO accord_namespace_expected (namespace, total) VALUES (?, ?)
      ON CONFLICT (namespace) DO UPDATE SET total = excluded.total""";

  /** Clears a namespace's declared total. Parameter: namespace. */
  static final String UNEXPECT_SQL = "DELETE FROM accord_namespace_expected WHERE namespace = ?";

  /**
   * The namespaces that have resources and start with a prefix, in name order, from the counters
   * (V6). Parameter: prefix.
   */
  static final String NAMESPACES_SQL =
      """
      SELECT namespace FROM accord_namespace_count
       WHERE starts_with(namespace, ?)
       GROUP BY namespace HAVING sum(done) + sum(not_done) > 0
       ORDER BY namespace""";

  /** One resource by name. Parameters: namespace, name. */
  static final String GET_SQL =
      """
      SELECT %s
        FROM accord_resource o %s
       WHERE o.namespace = ? AND o.name = ?"""
          .formatted(Statements.RESOURCE_COLUMNS, Statements.METADATA_JOIN);

  /**
   * Ends unexpired leases of resources not done: the grant number stays (the next grant is one
   * more) and the nonce becomes the ended one, so the old handle is refused as superseded.
   * Parameters: namespace, names (text[]).
   */
  static final String RELEASE_SQL =
      """
      UPDATE accord_resource SET grant_nonce = %d, expires_at = now()
       WHERE namespace = ? AND name = ANY(?::text[]) AND done_at IS NULL AND expires_at > now()
      RETURNING name"""
          .formatted(GrantCheck.ENDED_NONCE);

  /** The changes of a reset: done rows become pending, not under a lease, their grant ended. */
  private static final String RESET_SET =
      "SET done_at = NULL, done_xid = NULL, grant_nonce = %d, expires_at = now()"
          .formatted(GrantCheck.ENDED_NONCE);

  /** Resets named done resources. Parameters: namespace, names (text[]). */
  static final String RESET_NAMES_SQL =
      """
      WITH changed AS (
        UPDATE accord_resource %s
         WHERE namespace = ? AND name = ANY(?::text[]) AND done_at IS NOT NULL
        RETURNING namespace, name
      ), logged AS (
        INSERT INTO accord_removal (namespace, name) SELECT namespace, name FROM changed ORDER BY name
      ), notified AS MATERIALIZED (
        SELECT pg_notify('%s', d.namespace) FROM (SELECT DISTINCT namespace FROM changed) d
      )
      SELECT count(*) FROM changed WHERE (SELECT count(*) FROM notified) >= 0"""
          .formatted(RESET_SET, DoneNotifier.CHANNEL);

  /** Resets every done resource of a namespace. Parameters: namespace. */
  static final String RESET_ALL_SQL =
      """
      WITH changed AS (
        UPDATE accord_resource %s
         WHERE namespace = ? AND done_at IS NOT NULL
        RETURNING namespace
      ), logged AS (
        INSERT INTO accord_removal (namespace, name) SELECT namespace, NULL FROM changed LIMIT 1
      ), notified AS MATERIALIZED (
        SELECT pg_notify('%s', d.namespace) FROM (SELECT namespace FROM changed LIMIT 1) d
      )
      SELECT count(*) FROM changed WHERE (SELECT count(*) FROM notified) >= 0"""
          .formatted(RESET_SET, DoneNotifier.CHANNEL);

  /**
   * What a delete does with the rows it removed (CTE {@code gone}: namespace, name, num_acquired):
   * raise each namespace's grant floor, log the removals as given by {@code %s} (a SELECT of
   * namespace, name from gone), wake the watchers, count.
   */
  private static final String AFTER_DELETE =
      """
      , floors AS (
        INSERT INTO accord_grant_floor AS f (namespace, num_acquired)
        SELECT namespace, max(num_acquired) FROM gone GROUP BY namespace ORDER BY namespace
        ON CONFLICT (namespace) DO UPDATE SET num_acquired = greatest(f.num_acquired, excluded.num_acquired)
      ), logged AS (
        INSERT INTO accord_removal (namespace, name) %s
      ), notified AS MATERIALIZED (
        SELECT pg_notify('%s', d.namespace) FROM (SELECT DISTINCT namespace FROM gone) d
      )
      SELECT count(*) FROM gone WHERE (SELECT count(*) FROM notified) >= 0""";

  /** Deletes every resource of a namespace. Parameters: namespace. */
  static final String DELETE_ALL_SQL =
      ("""
      WITH gone AS (
        DELETE FROM accord_resource WHERE namespace = ? RETURNING namespace, name, num_acquired
      )"""
              + AFTER_DELETE)
          .formatted("SELECT namespace, NULL FROM gone LIMIT 1", DoneNotifier.CHANNEL);

  /**
   * Deletes the resources of a namespace done before a time. Parameters: namespace, cutoff (Unix
   * milliseconds).
   */
  static final String DELETE_DONE_BEFORE_SQL =
      ("""
      WITH gone AS (
        DELETE FROM accord_resource
         WHERE namespace = ? AND done_at IS NOT NULL AND done_at < to_timestamp(?::bigint / 1000.0)
        RETURNING namespace, name, num_acquired
      )"""
              + AFTER_DELETE)
          .formatted(
              "SELECT namespace, name FROM gone ORDER BY namespace, name", DoneNotifier.CHANNEL);

  /**
   * Retention: deletes at most a number of resources of any namespace done before a time, oldest
   * first within each namespace, namespace by namespace (found by a loose scan of the done-time
   * index). The DELETE checks done_at again, so a row reset meanwhile stays. Replicas take turns: a
   * batch runs only while its transaction holds the advisory lock {@link #RETENTION_LOCK}, and
   * deletes nothing when another replica's batch holds it. Parameters: cutoff (Unix milliseconds),
   * limit, limit, cutoff.
   */
  /** The advisory lock key retention batches take: "accord-r" in ASCII. */
  static final long RETENTION_LOCK = 0x6163636f72642d72L;

  static final String DELETE_EXPIRED_SQL =
      ("""
      WITH RECURSIVE ns AS (
        (SELECT r.namespace FROM accord_resource r WHERE r.done_at IS NOT NULL ORDER BY r.namespace LIMIT 1)
        UNION ALL
        SELECT (SELECT r.namespace FROM accord_resource r
                 WHERE r.done_at IS NOT NULL AND r.namespace > ns.namespace ORDER BY r.namespace LIMIT 1)
          FROM ns WHERE ns.namespace IS NOT NULL
      ), cutoff AS (
        SELECT to_timestamp(?::bigint / 1000.0) AS at WHERE pg_try_advisory_xact_lock(%d)
      ), victims AS (
        SELECT v.id
          FROM ns CROSS JOIN cutoff
          CROSS JOIN LATERAL (
            SELECT r.id FROM accord_resource r
             WHERE r.namespace = ns.namespace AND r.done_at IS NOT NULL AND r.done_at < cutoff.at
             ORDER BY r.done_at LIMIT ?) v
         WHERE ns.namespace IS NOT NULL
         LIMIT ?
      ), gone AS (
        DELETE FROM accord_resource
         WHERE id IN (SELECT id FROM victims) AND done_at < to_timestamp(?::bigint / 1000.0)
        RETURNING namespace, name, num_acquired
      )"""
              + AFTER_DELETE)
          .formatted(
              RETENTION_LOCK,
              "SELECT namespace, name FROM gone ORDER BY namespace, name",
              DoneNotifier.CHANNEL);

  /**
   * Forgets removals recorded before a time, oldest first, and remembers the latest transaction
   * forgotten. Parameters: cutoff (Unix milliseconds), limit.
   */
  static final String PRUNE_REMOVALS_SQL =
      """
      WITH gone AS (
        DELETE FROM accord_removal
         WHERE id IN (SELECT id FROM accord_removal WHERE removed_at < to_timestamp(?::bigint / 1000.0)
                       ORDER BY removed_at LIMIT ?)
        RETURNING removed_xid
      ), marked AS (
        UPDATE accord_store
           SET removals_pruned_xid = greatest(coalesce(removals_pruned_xid, '0'::xid8),
                                         (SELECT removed_xid FROM gone ORDER BY removed_xid DESC LIMIT 1))
         WHERE EXISTS (SELECT 1 FROM gone)
      )
      SELECT count(*) FROM gone""";
}
