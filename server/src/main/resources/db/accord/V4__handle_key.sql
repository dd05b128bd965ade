-- The key that makes handle IDs unforgeable: AES-128 (16 bytes), drawn once for this database, read by every replica
-- (see HandleId). Flyway runs this once under its lock, so replicas starting together still get one key.
--
-- gen_random_uuid() draws from the server's strong random source (no extension needed); two UUIDs carry 244 random
-- bits, which sha256 folds into the 128 the key needs.
ALTER TABLE accord_store ADD COLUMN handle_key bytea;
UPDATE accord_store
   SET handle_key = substring(sha256(uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid())) FROM 1 FOR 16);
ALTER TABLE accord_store ALTER COLUMN handle_key SET NOT NULL;
ALTER TABLE accord_store ADD CONSTRAINT accord_store_handle_key_length CHECK (octet_length(handle_key) = 16);
