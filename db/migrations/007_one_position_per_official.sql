-- A person holds one position per cycle: a constraint, not a check-then-act in the API, so two
-- concurrent changes of official with the same person cannot both succeed (one would become both
-- parties of a PK). Keyed by the official id (006_official_identity.sql: the NIP for ASN, an id of
-- their own for a Kepala Daerah without one), so it holds for every official.
CREATE UNIQUE INDEX IF NOT EXISTS positions_one_per_official ON positions (cycle_id, official_id);
