-- Signing material: the organisation's CA, officials' credentials, passphrase lockouts.
-- Private keys are stored sealed (scrypt + AES-256-GCM); passphrases are never stored.

CREATE TABLE IF NOT EXISTS signing_ca (
  id              text PRIMARY KEY,
  certificate_pem text NOT NULL,
  sealed_key      jsonb NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS signing_credential (
  signer_id       text PRIMARY KEY,
  ca_id           text NOT NULL,
  certificate_pem text NOT NULL,
  chain_pem       jsonb NOT NULL,
  sealed_key      jsonb NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS signing_lockout (
  signer_id    text PRIMARY KEY,
  failures     integer NOT NULL DEFAULT 0,
  locked_until timestamptz
);
