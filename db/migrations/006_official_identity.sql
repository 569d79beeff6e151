-- An official is a person with an identity; the NIP is one attribute of ASN. Every position's
-- holder gets an official id: the NIP for ASN, the import's `official.id` or
-- `{organisation}.{position}` for an official without NIP (the Kepala Daerah). Tokens, access, the
-- inbox and signing key on it.
ALTER TABLE positions ADD COLUMN IF NOT EXISTS official_id text;
UPDATE positions p SET official_id = COALESCE(p.nip, c.organisation_id || '.' || p.id)
  FROM cycles c WHERE c.id = p.cycle_id AND p.official_id IS NULL;
ALTER TABLE positions ALTER COLUMN official_id SET NOT NULL;
CREATE INDEX IF NOT EXISTS positions_by_official ON positions (official_id, cycle_id);
