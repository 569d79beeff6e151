-- Sign-in with OpenID Connect: the page's server sessions (the cookie carries a random id; only its
-- SHA-256 is stored), and the accounts and one-time password links of the embedded identity
-- provider that `npm start` runs when no OIDC_ISSUER is configured.
CREATE TABLE IF NOT EXISTS web_sessions (
  id_hash       text PRIMARY KEY,
  role          text NOT NULL CHECK (role IN ('admin', 'official', 'evaluator')),
  subject       text NOT NULL,
  nip           text,
  csrf_token    text NOT NULL,
  id_token      text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_seen_at  timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS web_sessions_by_expiry ON web_sessions (expires_at);

-- Accounts of the embedded provider. An official's account exists because a posted organisation
-- names them (positions.official_id); a row here holds their password once they have set one.
-- Administrators and evaluators are rows with their role.
CREATE TABLE IF NOT EXISTS idp_accounts (
  account_id    text PRIMARY KEY,
  role          text NOT NULL CHECK (role IN ('admin', 'official', 'evaluator')),
  name          text,
  email         text,
  password_hash text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS idp_invites (
  token_hash    text PRIMARY KEY,
  account_id    text NOT NULL REFERENCES idp_accounts (account_id) ON DELETE CASCADE,
  expires_at    timestamptz NOT NULL,
  used_at       timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- Service tokens minted by `kinerja token`: their id (the JWT's jti), whom they name and until when,
-- so an administrator can revoke one (`kinerja token revoke`, POST /api/admin/tokens/:tokenId/revoke)
-- before it expires. The API refuses a bearer token whose id is revoked here.
CREATE TABLE IF NOT EXISTS service_tokens (
  jti         text PRIMARY KEY,
  subject     text NOT NULL,
  role        text NOT NULL CHECK (role IN ('admin', 'official', 'evaluator')),
  issued_at   timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  revoked_at  timestamptz,
  revoked_by  text
);
