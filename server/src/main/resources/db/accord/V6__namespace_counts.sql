-- Stats: how many resources of each namespace are done and not done, kept up to date by the statements that change
-- them, so Stats reads a few rows instead of counting millions.
--
-- Each namespace's counts are spread over 16 rows (shards) that add up: a statement adds its changes to the shard of
-- its transaction, so concurrent batches seldom wait on one another's row. The triggers are per statement, over the
-- statement's changed rows (transition tables): one counter update per namespace per statement, not per row.
CREATE TABLE accord_namespace_count (
  namespace text     NOT NULL,
  shard     smallint NOT NULL,
  done      bigint   NOT NULL,
  not_done  bigint   NOT NULL,
  PRIMARY KEY (namespace, shard)
);

-- Each trigger adds each namespace's changes to the shard of its transaction (one transaction's statements share a
-- row), namespaces in order so two statements lock shared rows alike. The upsert is written out in each function:
-- transition tables are visible only to the trigger function's own queries.
CREATE FUNCTION accord_count_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO accord_namespace_count AS c (namespace, shard, done, not_done)
  SELECT namespace, (pg_current_xact_id()::text::bigint % 16)::smallint,
         count(*) FILTER (WHERE done_at IS NOT NULL), count(*) FILTER (WHERE done_at IS NULL)
    FROM accord_added GROUP BY namespace ORDER BY namespace
  ON CONFLICT (namespace, shard) DO UPDATE
     SET done = c.done + excluded.done, not_done = c.not_done + excluded.not_done;
  RETURN NULL;
END $$;

CREATE FUNCTION accord_count_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Only done marks and resets move a row between the counts; renewals and grants leave them as they are.
  INSERT INTO accord_namespace_count AS c (namespace, shard, done, not_done)
  SELECT a.namespace, (pg_current_xact_id()::text::bigint % 16)::smallint,
         sum(CASE WHEN a.done_at IS NULL THEN -1 ELSE 1 END), sum(CASE WHEN a.done_at IS NULL THEN 1 ELSE -1 END)
    FROM accord_before b JOIN accord_after a ON a.id = b.id
   WHERE (a.done_at IS NULL) <> (b.done_at IS NULL)
   GROUP BY a.namespace ORDER BY a.namespace
  ON CONFLICT (namespace, shard) DO UPDATE
     SET done = c.done + excluded.done, not_done = c.not_done + excluded.not_done;
  RETURN NULL;
END $$;

CREATE FUNCTION accord_count_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO accord_namespace_count AS c (namespace, shard, done, not_done)
  SELECT namespace, (pg_current_xact_id()::text::bigint % 16)::smallint,
         -count(*) FILTER (WHERE done_at IS NOT NULL), -count(*) FILTER (WHERE done_at IS NULL)
    FROM accord_removed GROUP BY namespace ORDER BY namespace
  ON CONFLICT (namespace, shard) DO UPDATE
     SET done = c.done + excluded.done, not_done = c.not_done + excluded.not_done;
  RETURN NULL;
END $$;

CREATE TRIGGER accord_resource_count_inserted AFTER INSERT ON accord_resource
  REFERENCING NEW TABLE AS accord_added FOR EACH STATEMENT EXECUTE FUNCTION accord_count_inserted();
CREATE TRIGGER accord_resource_count_updated AFTER UPDATE ON accord_resource
  REFERENCING OLD TABLE AS accord_before NEW TABLE AS accord_after
  FOR EACH STATEMENT EXECUTE FUNCTION accord_count_updated();
CREATE TRIGGER accord_resource_count_deleted AFTER DELETE ON accord_resource
  REFERENCING OLD TABLE AS accord_removed FOR EACH STATEMENT EXECUTE FUNCTION accord_count_deleted();

-- The rows already there. Creating the triggers locked the table against writes until this migration commits.
INSERT INTO accord_namespace_count (namespace, shard, done, not_done)
SELECT namespace, 0, count(*) FILTER (WHERE done_at IS NOT NULL), count(*) FILTER (WHERE done_at IS NULL)
  FROM accord_resource GROUP BY namespace;
