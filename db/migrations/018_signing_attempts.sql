-- A counted passphrase attempt by the seal it came in (one seal per signing activity): a retry of
-- that activity (its audit write failed, its worker died) meets the attempt already counted
-- instead of counting the same wrong passphrase again. A success or an unlock removes them.
CREATE TABLE IF NOT EXISTS signing_attempt (
  attempt_key  text PRIMARY KEY,
  signer_id    text NOT NULL,
  failures     integer NOT NULL,
  locked_until timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS signing_attempt_by_signer ON signing_attempt (signer_id, created_at);
