-- Watch: a resumable stream of done marks.
--
-- done_xid is the transaction that marked the resource done. A reader delivers only marks whose transaction is
-- older than its snapshot's xmin (every transaction below it has ended), so a mark that commits late is never
-- skipped by a cursor that moved past it. xid8 does not wrap around.
ALTER TABLE accord_resource ADD COLUMN done_xid xid8;
UPDATE accord_resource SET done_xid = pg_current_xact_id() WHERE done_at IS NOT NULL;
CREATE INDEX accord_resource_done_stream ON accord_resource (namespace, done_xid, id) WHERE done_xid IS NOT NULL;

-- Names this store, so a cursor from another database (or an earlier life of this one) is recognised.
CREATE TABLE accord_store (
  id         uuid        PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO accord_store (id) VALUES (gen_random_uuid());
