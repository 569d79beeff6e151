-- The records of each PK's year. Every write is keyed so a retried activity never writes twice.

CREATE TABLE IF NOT EXISTS agreement_versions (
  agreement_id   text NOT NULL REFERENCES agreements(id),
  version        integer NOT NULL,
  content        jsonb NOT NULL,
  content_hash   text NOT NULL,
  saved_by       text NOT NULL,
  saved_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (agreement_id, version)
);

-- PDFs addressed by SHA-256; workflows carry only ids and hashes.
CREATE TABLE IF NOT EXISTS documents (
  id             text PRIMARY KEY,                 -- {agreementId}:v{version}:{party}
  agreement_id   text NOT NULL REFERENCES agreements(id),
  version        integer NOT NULL,
  party          text NOT NULL,                    -- first | second: the last signature it carries
  sha256         text NOT NULL,
  bytes          bytea NOT NULL,
  signer_nip     text NOT NULL,
  signed_at      timestamptz NOT NULL,
  verification   jsonb NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (agreement_id, version, party)
);
CREATE INDEX IF NOT EXISTS documents_by_sha ON documents (sha256);

CREATE TABLE IF NOT EXISTS realizations (
  agreement_id   text NOT NULL REFERENCES agreements(id),
  quarter        integer NOT NULL CHECK (quarter BETWEEN 1 AND 4),
  version        integer NOT NULL,
  realizations   jsonb NOT NULL,                   -- [{ indicatorId, value }]
  budget_spent   jsonb NOT NULL,                   -- [Rp per budget line]
  note           text,
  reported_by    text NOT NULL,
  reported_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (agreement_id, quarter)
);

CREATE TABLE IF NOT EXISTS evaluations (
  agreement_id   text PRIMARY KEY REFERENCES agreements(id),
  computed       jsonb NOT NULL,                   -- what the formulas gave
  adjustments    jsonb NOT NULL DEFAULT '[]',      -- [{ indicatorId, value, reason, by, at }]
  result         jsonb NOT NULL,                   -- computed with adjustments applied
  closed_at      timestamptz,
  closed_by      text
);

CREATE TABLE IF NOT EXISTS notifications (
  key                text PRIMARY KEY,             -- idempotency: agreement, version, item, kind, level
  agreement_id       text NOT NULL REFERENCES agreements(id),
  item               text NOT NULL,
  kind               text NOT NULL,                -- task | reminder | escalation
  level              integer NOT NULL,
  recipient_position text,
  recipient_nip      text,
  recipient_email    text,
  recipient_name     text,
  subject            text NOT NULL,
  body               text NOT NULL,
  due_at             timestamptz,
  created_at         timestamptz NOT NULL DEFAULT now(),
  delivery_status    text NOT NULL DEFAULT 'pending',  -- pending | sent | dead
  attempts           integer NOT NULL DEFAULT 0,
  last_error         text,
  next_attempt_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS notifications_by_agreement ON notifications (agreement_id, created_at);
CREATE INDEX IF NOT EXISTS notifications_pending ON notifications (delivery_status, next_attempt_at);

-- Append-only, hash-chained: each row's hash covers the previous row's hash and its own content.
CREATE TABLE IF NOT EXISTS audit_log (
  seq            bigserial PRIMARY KEY,
  key            text NOT NULL UNIQUE,
  agreement_id   text NOT NULL,
  action         text NOT NULL,
  actor          text NOT NULL,
  data           jsonb NOT NULL,
  at             timestamptz NOT NULL,
  prev_hash      text NOT NULL,
  hash           text NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_by_agreement ON audit_log (agreement_id, seq);
