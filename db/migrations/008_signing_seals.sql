-- Sealed passphrases are single use: the signing activity records each seal's random id the first
-- time it opens one (with the activity that did, so that activity's own retry may open it again).
-- The id is random per seal and says nothing about the passphrase.
CREATE TABLE IF NOT EXISTS signing_used_seal (
  seal_id     text PRIMARY KEY,
  used_by     text NOT NULL,                 -- workflow id, run-independent activity id
  used_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS signing_used_seal_by_age ON signing_used_seal (used_at);
