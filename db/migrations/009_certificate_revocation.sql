-- Certificates the organisation's CA has revoked (an official replaced or gone), published in its
-- CRL. The reason is an RFC 5280 CRLReason; the note says what happened, for people.
CREATE TABLE IF NOT EXISTS certificate_revocation (
  ca_id         text NOT NULL,
  serial_number text NOT NULL,
  signer_id     text NOT NULL,
  reason        text NOT NULL,
  note          text,
  revoked_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (ca_id, serial_number)
);
