-- One row per resource: its current grant, its lease and its done mark.
-- Handle IDs are not stored: they are (id, num_acquired, grant_nonce), see HandleId.
CREATE TABLE accord_resource (
  id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  namespace    text        NOT NULL,
  name         text        NOT NULL,
  owner        text        NOT NULL,
  -- The fencing token: grows by one with every grant. uint32 on the wire.
  num_acquired bigint      NOT NULL CHECK (num_acquired BETWEEN 1 AND 4294967295),
  grant_nonce  integer     NOT NULL,
  expires_at   timestamptz NOT NULL,
  done_at      timestamptz,
  metadata     jsonb       NOT NULL DEFAULT '{}'::jsonb,
  created_at   timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT accord_resource_namespace_name_key UNIQUE (namespace, name)
)
-- Renewals rewrite rows often and touch no indexed column: leave room on each page for HOT updates.
WITH (fillfactor = 80);
