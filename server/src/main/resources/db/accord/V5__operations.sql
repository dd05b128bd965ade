-- Operations: statistics, release, reset, delete and retention, with fencing tokens that never go backwards and
-- Watch streams that learn of removals.

-- Statistics and deletions by done time read only the rows they count. Both indexes leave renewals HOT: a renewal
-- changes neither namespace nor done_at.
CREATE INDEX accord_resource_done_at ON accord_resource (namespace, done_at) WHERE done_at IS NOT NULL;
CREATE INDEX accord_resource_not_done ON accord_resource (namespace) WHERE done_at IS NULL;

-- Per namespace, the greatest num_acquired of a row deleted from it. A row inserted later starts above it, so a name
-- deleted and granted again gets a fencing token greater than any it had.
CREATE TABLE accord_grant_floor (
  namespace    text   PRIMARY KEY,
  num_acquired bigint NOT NULL
);

-- Every insert path (acquire, batch, claim) numbers a new row 1: raise it above the floor.
CREATE FUNCTION accord_number_above_floor() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  floor_value bigint;
BEGIN
  SELECT f.num_acquired INTO floor_value FROM accord_grant_floor f WHERE f.namespace = NEW.namespace;
  IF floor_value IS NOT NULL AND NEW.num_acquired <= floor_value THEN
    NEW.num_acquired := floor_value + 1;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER accord_resource_number_above_floor BEFORE INSERT ON accord_resource
  FOR EACH ROW EXECUTE FUNCTION accord_number_above_floor();

-- The trigger above runs before an insert waits on a conflicting row: when that row was being deleted, the delete
-- raised the floor after the trigger read it. Checked again once the row is in (a fresh snapshot sees the delete's
-- commit): a row numbered at or below the floor fails its statement as a serialization failure, and the caller tries
-- again. Only inserted rows pay for this, never updates.
CREATE FUNCTION accord_check_above_floor() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM accord_grant_floor f
              WHERE f.namespace = NEW.namespace AND f.num_acquired >= NEW.num_acquired) THEN
    RAISE EXCEPTION 'resource %/% was deleted while being granted: try again', NEW.namespace, NEW.name
      USING ERRCODE = 'serialization_failure';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER accord_resource_check_above_floor AFTER INSERT ON accord_resource
  FOR EACH ROW EXECUTE FUNCTION accord_check_above_floor();

-- Names that stopped being done (reset, deleted), for Watch: name NULL means every name of the namespace done before.
-- Ordered with done marks by transaction, as done_xid is.
CREATE TABLE accord_removal (
  id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  namespace   text        NOT NULL,
  name        text,
  removed_xid xid8        NOT NULL DEFAULT pg_current_xact_id(),
  removed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX accord_removal_stream ON accord_removal (namespace, removed_xid, id);
CREATE INDEX accord_removal_removed_at ON accord_removal (removed_at);

-- The latest transaction of a removal forgotten: a Watch cursor before it may have missed one, and is refused.
ALTER TABLE accord_store ADD COLUMN removals_pruned_xid xid8;
