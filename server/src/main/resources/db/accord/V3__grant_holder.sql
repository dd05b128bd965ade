-- Who holds the current grant: the authenticated caller's name, or '' when the grant was given with
-- authentication off. With authentication on, only the holder may renew or complete the grant.
ALTER TABLE accord_resource ADD COLUMN holder text NOT NULL DEFAULT '';
