-- The embedded OpenID provider's state (sessions, interactions, grants, authorization codes,
-- access tokens): in PostgreSQL so a restart of the provider signs nobody out and an authorization
-- code issued before it can still be redeemed once. One row per (model, id); payload is what
-- oidc-provider hands its adapter. Expired rows are never returned and are swept as new ones come.
CREATE TABLE IF NOT EXISTS idp_store (
  model       text        NOT NULL,
  id          text        NOT NULL,
  payload     jsonb       NOT NULL,
  grant_id    text,
  user_code   text,
  uid         text,
  expires_at  timestamptz,
  consumed_at timestamptz,
  PRIMARY KEY (model, id)
);
CREATE INDEX IF NOT EXISTS idp_store_grant ON idp_store (grant_id) WHERE grant_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS idp_store_uid ON idp_store (model, uid) WHERE uid IS NOT NULL;
CREATE INDEX IF NOT EXISTS idp_store_user_code ON idp_store (model, user_code) WHERE user_code IS NOT NULL;
CREATE INDEX IF NOT EXISTS idp_store_expiry ON idp_store (expires_at) WHERE expires_at IS NOT NULL;
