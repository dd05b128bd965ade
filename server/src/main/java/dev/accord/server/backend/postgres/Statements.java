package dev.accord.server.backend.postgres;

import dev.accord.server.backend.GrantCheck;

/**
 * The SQL the PostgreSQL backend runs, each statement with its positional parameters. Every
 * statement is autocommitted on its own; lease times come from the database's {@code now()}. The
 * single-request statements are public so tools run the very statements the server runs (the load
 * generator's pgbench mode).
 */
public final class Statements {
  private Statements() {}

  /**
   * A resource's columns as {@link ResourceRows#readResource} reads them: from {@code o} and the
   * metadata join.
   */
  static final String RESOURCE_COLUMNS =
      """
      o.id, o.namespace, o.name, o.owner, o.num_acquired, o.grant_nonce,
      floor(extract(epoch FROM o.expires_at) * 1000)::bigint AS expires_ms,
      coalesce(floor(extract(epoch FROM o.done_at) * 1000)::bigint, 0) AS done_ms,
      m.meta_keys, m.meta_values, o.holder""";

  // Keys and values travel as two text arrays both ways: PostgreSQL builds and splits the JSON
  // itself.
  static final String METADATA_JOIN =
      """
      LEFT JOIN LATERAL (
        SELECT array_agg(e.key) AS meta_keys, array_agg(e.value) AS meta_values FROM jsonb_each_text(o.metadata) e
         WHERE o.metadata <> '{}'::jsonb
      ) m ON true""";

  /**
   * Acquire in one statement: read the resource; unless that shows it held or done, insert it or
   * take over its expired lease (the upsert re-checks against the latest committed row). A resource
   * found held or done costs a read only: no row lock, no WAL, no commit flush. Reads see the
   * statement's snapshot, so a row inserted concurrently and committed after it is invisible to
   * them and the statement can return nothing; the next attempt sees it. A free-looking lease
   * another caller took meanwhile (the upsert re-checked and lost) comes back as {@code S}, stale:
   * the snapshot holds only the old, expired grant, so the caller runs the statement again to read
   * the winner's, whose expiry a loser schedules its retry by (after {@link Retries#MAX_ATTEMPTS}
   * such reads of a lease that keeps changing hands, the last one answers HELD).
   *
   * <p>Parameters: namespace, name, namespace, name, owner, grant nonce (int), ttl seconds (int),
   * metadata keys (text[]), metadata values (text[]), holder (empty with authentication off).
   */
  public static final String ACQUIRE_SQL =
      """
      WITH current AS (
        SELECT c.* FROM accord_resource c WHERE c.namespace = ? AND c.name = ?
      ), granted AS (
        INSERT INTO accord_resource AS r (namespace, name, owner, num_acquired, grant_nonce, expires_at, metadata,
                                          holder)
        SELECT ?, ?, ?, 1, ?, now() + ? * interval '1 second', jsonb_object(?::text[], ?::text[]), ?
         WHERE NOT EXISTS (SELECT 1 FROM current WHERE done_at IS NOT NULL OR expires_at > now())
        ON CONFLICT (namespace, name) DO UPDATE
           SET owner = excluded.owner,
               holder = excluded.holder,
               num_acquired = r.num_acquired + 1,
               grant_nonce = excluded.grant_nonce,
               expires_at = excluded.expires_at,
               metadata = r.metadata || excluded.metadata
         WHERE r.done_at IS NULL AND r.expires_at <= now()
        RETURNING r.*
      ), o AS (
        SELECT 'G' AS outcome, g.* FROM granted g
        UNION ALL
        SELECT CASE WHEN c.done_at IS NOT NULL THEN 'D' WHEN c.expires_at > now() THEN 'H' ELSE 'S' END, c.*
          FROM current c
         WHERE NOT EXISTS (SELECT 1 FROM granted)
      )
      SELECT o.outcome, %s
        FROM o %s"""
          .formatted(RESOURCE_COLUMNS, METADATA_JOIN);

  /**
   * Parameters: ttl seconds (int; 0 releases), metadata keys (text[]), metadata values (text[]),
   * resource id (bigint), grant number (int), grant nonce (int), owner, holder (empty with
   * authentication off: any holder). Returns the resource's namespace, as {@link #DONE_SQL} does.
   */
  public static final String RENEW_SQL =
      """
      UPDATE accord_resource
         SET expires_at = now() + ? * interval '1 second', metadata = metadata || jsonb_object(?::text[], ?::text[])
       WHERE id = ? AND num_acquired = ? AND grant_nonce = ? AND owner = ? AND done_at IS NULL
         AND ? IN ('', holder)
      RETURNING namespace""";

  /**
   * Marks done and returns the resource's namespace, which {@link DoneAnnouncer} hints to every
   * replica's watchers once this has committed. Parameters: metadata keys (text[]), metadata values
   * (text[]), resource id (bigint), grant number (int), grant nonce (int), owner, holder (empty
   * with authentication off: any holder).
   */
  public static final String DONE_SQL =
      """
      UPDATE accord_resource
         SET done_at = now(), done_xid = pg_current_xact_id(),
             metadata = metadata || jsonb_object(?::text[], ?::text[])
       WHERE id = ? AND num_acquired = ? AND grant_nonce = ? AND owner = ? AND done_at IS NULL
         AND ? IN ('', holder)
      RETURNING namespace""";

  /**
   * The {@link DoneAnnouncer}'s hints: one notification per namespace given as a text array. A hint
   * needs no durability of its own, so its commit does not wait for the WAL flush ({@code
   * synchronous_commit} off for this transaction only).
   */
  public static final String ANNOUNCE_SQL =
      """
      WITH relaxed AS MATERIALIZED (SELECT set_config('synchronous_commit', 'off', true))
      SELECT count(pg_notify('%s', n)) FROM relaxed, unnest(?::text[]) AS n"""
          .formatted(DoneNotifier.CHANNEL);

  /**
   * Requests for a batch statement's metadata, flattened: PostgreSQL arrays must be rectangular, so
   * each pair carries the index of its request and the statement regroups them.
   */
  private static final String BATCH_METADATA =
      """
      meta AS (
        SELECT m.i, jsonb_object_agg(m.k, m.v) AS metadata
          FROM unnest(?::int[], ?::text[], ?::text[]) AS m(i, k, v)
         GROUP BY m.i
      )""";

  /**
   * {@link #ACQUIRE_SQL} for many resources at once (one per name: the batch holds no name twice),
   * answering each by its index. Inserts go in name order, so two batches lock shared rows in the
   * same order and cannot deadlock each other. A request without an answer raced with a concurrent
   * insert or takeover, as in ACQUIRE_SQL: try it again.
   */
  static final String ACQUIRE_BATCH_SQL =
      """
      WITH req AS (
        SELECT * FROM unnest(?::int[], ?::text[], ?::text[], ?::text[], ?::int[], ?::int[], ?::text[])
            AS q(i, namespace, name, owner, nonce, ttl, holder)
      ), %s, current AS (
        SELECT q.i, c.id, c.namespace, c.name, c.owner, c.num_acquired, c.grant_nonce, c.expires_at, c.done_at,
               c.metadata, c.holder
          FROM req q JOIN accord_resource c ON c.namespace = q.namespace AND c.name = q.name
      ), granted AS (
        INSERT INTO accord_resource AS r (namespace, name, owner, num_acquired, grant_nonce, expires_at, metadata,
                                          holder)
        SELECT q.namespace, q.name, q.owner, 1, q.nonce, now() + q.ttl * interval '1 second',
               coalesce(m.metadata, '{}'::jsonb), q.holder
          FROM req q LEFT JOIN meta m ON m.i = q.i
         WHERE NOT EXISTS (SELECT 1 FROM current c
                            WHERE c.i = q.i AND (c.done_at IS NOT NULL OR c.expires_at > now()))
         ORDER BY q.namespace, q.name
        ON CONFLICT (namespace, name) DO UPDATE
           SET owner = excluded.owner,
               holder = excluded.holder,
               num_acquired = r.num_acquired + 1,
               grant_nonce = excluded.grant_nonce,
               expires_at = excluded.expires_at,
               metadata = r.metadata || excluded.metadata
         WHERE r.done_at IS NULL AND r.expires_at <= now()
        RETURNING r.id, r.namespace, r.name, r.owner, r.num_acquired, r.grant_nonce, r.expires_at, r.done_at,
                  r.metadata, r.holder
      ), o AS (
        SELECT q.i, 'G' AS outcome, g.*
          FROM granted g JOIN req q ON q.namespace = g.namespace AND q.name = g.name
        UNION ALL
        SELECT c.i, CASE WHEN c.done_at IS NOT NULL THEN 'D' WHEN c.expires_at > now() THEN 'H' ELSE 'S' END,
               c.id, c.namespace, c.name, c.owner, c.num_acquired, c.grant_nonce, c.expires_at, c.done_at,
               c.metadata, c.holder
          FROM current c
         WHERE NOT EXISTS (SELECT 1 FROM granted g WHERE g.namespace = c.namespace AND g.name = c.name)
      )
      SELECT o.i, o.outcome, %s
        FROM o %s"""
          .formatted(BATCH_METADATA, RESOURCE_COLUMNS, METADATA_JOIN);

  /**
   * {@link #DONE_SQL} for many grants at once (one per resource), returning the index and namespace
   * of each request it marked.
   */
  static final String DONE_BATCH_SQL =
      """
      WITH req AS (
        SELECT * FROM unnest(?::int[], ?::bigint[], ?::bigint[], ?::int[], ?::text[], ?::text[])
            AS q(i, id, grant_number, nonce, owner, holder)
      ), %s
      UPDATE accord_resource r
         SET done_at = now(), done_xid = pg_current_xact_id(),
             metadata = r.metadata || coalesce(m.metadata, '{}'::jsonb)
        FROM req q LEFT JOIN meta m ON m.i = q.i
       WHERE r.id = q.id AND r.num_acquired = q.grant_number AND r.grant_nonce = q.nonce AND r.owner = q.owner
         AND r.done_at IS NULL AND q.holder IN ('', r.holder)
      RETURNING q.i, r.namespace"""
          .formatted(BATCH_METADATA);

  /**
   * A claim in one statement: look at every candidate, grant up to max of the free ones (in the
   * caller's order) as ACQUIRE_SQL would, and name the done and the held. A free-looking candidate
   * that another caller inserted or took meanwhile is not granted (the upsert re-checks against the
   * latest committed row) and is reported as lost, which the caller treats as held. Inserts go in
   * name order, as in {@link #ACQUIRE_BATCH_SQL}.
   */
  static final String CLAIM_SQL =
      """
      WITH cand AS (
        SELECT c.name, c.ord FROM unnest(?::text[]) WITH ORDINALITY AS c(name, ord)
      ), seen AS (
        SELECT c.name, c.ord, r.id, r.done_at, r.expires_at
          FROM cand c LEFT JOIN accord_resource r ON r.namespace = ? AND r.name = c.name
      ), free AS (
        SELECT s.name, s.ord FROM seen s
         WHERE s.id IS NULL OR (s.done_at IS NULL AND s.expires_at <= now())
         ORDER BY s.ord
         LIMIT ?
      ), granted AS (
        INSERT INTO accord_resource AS r (namespace, name, owner, num_acquired, grant_nonce, expires_at, metadata,
                                          holder)
        SELECT ?, f.name, ?, 1, coalesce(nullif((floor(random() * 4294967296) - 2147483648)::int, %d), 1), now() + ? * interval '1 second',
               jsonb_object(?::text[], ?::text[]), ?
          FROM free f
         ORDER BY f.name
        ON CONFLICT (namespace, name) DO UPDATE
           SET owner = excluded.owner,
               holder = excluded.holder,
               num_acquired = r.num_acquired + 1,
               grant_nonce = excluded.grant_nonce,
               expires_at = excluded.expires_at,
               metadata = r.metadata || excluded.metadata
         WHERE r.done_at IS NULL AND r.expires_at <= now()
        RETURNING r.*
      ), g AS (
        SELECT f.ord, %s
          FROM granted o JOIN free f ON f.name = o.name %s
      ), summary AS (
        SELECT (SELECT array_agg(s.name ORDER BY s.ord) FROM seen s WHERE s.done_at IS NOT NULL) AS done_names,
               (SELECT array_agg(s.name ORDER BY s.ord) FROM seen s
                 WHERE s.done_at IS NULL AND s.expires_at > now()) AS held_names,
               (SELECT array_agg(f.name ORDER BY f.ord) FROM free f
                 WHERE NOT EXISTS (SELECT 1 FROM granted x WHERE x.name = f.name)) AS lost_names
      )
      SELECT summary.done_names, summary.held_names, summary.lost_names, g.*
        FROM summary LEFT JOIN g ON true
       ORDER BY g.ord"""
          .formatted(GrantCheck.ENDED_NONCE, RESOURCE_COLUMNS, METADATA_JOIN);

  /**
   * A page of done marks and removals after a cursor, in transaction order, taking only those older
   * than the snapshot's xmin: every transaction below it has ended, so nothing can still appear
   * before the returned cursor. A transaction either marks done or removes, never both, so done
   * marks (tie-broken by resource id) and removals (by removal id) merge on (xid, id). Each row
   * also carries the horizon, whether anything waits at or past it, the latest removal transaction
   * forgotten, and (last) the next transaction ID to be assigned; with no change, one row of those
   * alone.
   *
   * <p>{@code meta} is materialized so it is computed once, not for every row of the page; the
   * namespace's newest done mark is read from the end of the done-stream index, where an {@code
   * EXISTS} over the marks past the horizon is planned as a scan of the namespace's rows (the
   * planner cannot know the horizon, and guesses a third of them qualify).
   *
   * <p>Parameters: namespace × 2 (past the horizon), namespace, xid, tiebreak, limit (done marks),
   * namespace, xid, tiebreak, limit (removals), limit.
   */
  static final String DONES_AFTER_SQL =
      """
      WITH h AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS horizon),
      meta AS MATERIALIZED (
        SELECT h.horizon,
               coalesce((SELECT p.done_xid FROM accord_resource p
                          WHERE p.namespace = ? AND p.done_xid IS NOT NULL
                          ORDER BY p.done_xid DESC LIMIT 1) >= h.horizon, false)
               OR EXISTS (SELECT 1 FROM accord_removal x WHERE x.namespace = ? AND x.removed_xid >= h.horizon)
                 AS past,
               (SELECT s.removals_pruned_xid FROM accord_store s) AS pruned
          FROM h
      ), changes AS (
        (SELECT 'D' AS kind, r.name, r.done_xid AS xid, r.id FROM accord_resource r, h
          WHERE r.namespace = ? AND r.done_xid IS NOT NULL
            AND (r.done_xid, r.id) > (?::text::xid8, ?) AND r.done_xid < h.horizon
          ORDER BY r.done_xid, r.id
          LIMIT ?)
        UNION ALL
        (SELECT CASE WHEN x.name IS NULL THEN 'A' ELSE 'R' END, x.name, x.removed_xid, x.id FROM accord_removal x, h
          WHERE x.namespace = ? AND (x.removed_xid, x.id) > (?::text::xid8, ?) AND x.removed_xid < h.horizon
          ORDER BY x.removed_xid, x.id
          LIMIT ?)
      )
      SELECT meta.horizon::text::bigint, meta.past, coalesce(meta.pruned::text::bigint, 0),
             c.kind, c.name, c.xid::text::bigint, c.id,
             pg_snapshot_xmax(pg_current_snapshot())::text::bigint
        FROM meta LEFT JOIN LATERAL (SELECT * FROM changes ORDER BY xid, id LIMIT ?) c ON true
       ORDER BY c.xid, c.id""";

  /**
   * The grant a refused update met: owner, grant number, nonce, done, holder. Parameter: resource
   * id (bigint).
   */
  static final String CURRENT_GRANT_SQL =
      "SELECT owner, num_acquired, grant_nonce, done_at IS NOT NULL, holder FROM accord_resource"
          + " WHERE id = ?";

  /** The horizon of {@link #DONES_AFTER_SQL} now: where a Watch that starts now begins. */
  static final String DONE_HORIZON_SQL =
      "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint";

  /**
   * The age in seconds of the oldest other transaction with a transaction ID: the one that holds
   * the done horizon ({@link #DONE_HORIZON_SQL}) back. A role without pg_read_all_stats sees only
   * its own role's sessions.
   */
  static final String DONE_STREAM_LAG_SQL =
      "SELECT COALESCE(EXTRACT(EPOCH FROM now() - min(xact_start)), 0)::float8"
          + " FROM pg_stat_activity WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid()";

  /** The database's store id, which tells cursors of another Accord database apart. */
  static final String STORE_ID_SQL = "SELECT id FROM accord_store";

  /** The key of this database's handle IDs (see {@code HandleId}); one row, made by V4. */
  static final String HANDLE_KEY_SQL = "SELECT handle_key FROM accord_store";
}
