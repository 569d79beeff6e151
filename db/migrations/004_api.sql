-- What the API and the notification dispatcher keep beside the records.

-- Idempotency-Key on writes: the first response is stored and replayed for a repeat of the same
-- request by the same caller. A row without status is in flight.
CREATE TABLE IF NOT EXISTS api_idempotency (
  principal     text NOT NULL,                 -- role:id of the caller: keys are per caller
  key           text NOT NULL,
  method        text NOT NULL,
  path          text NOT NULL,
  request_hash  text NOT NULL,                 -- SHA-256 of method, path and body
  status        integer,
  content_type  text,
  body          bytea,
  location      text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (principal, key)
);
CREATE INDEX IF NOT EXISTS api_idempotency_by_age ON api_idempotency (created_at);

-- Calendar changes are numbered so agreements can tell which calendar they have applied.
ALTER TABLE cycles ADD COLUMN IF NOT EXISTS calendar_version integer NOT NULL DEFAULT 1;

-- Channels a notification already reached (e-mail, each webhook), so a retry resends only the rest.
ALTER TABLE notifications ADD COLUMN IF NOT EXISTS delivered text[] NOT NULL DEFAULT '{}';
ALTER TABLE notifications ADD COLUMN IF NOT EXISTS sent_at timestamptz;
CREATE INDEX IF NOT EXISTS notifications_dead ON notifications (delivery_status, created_at) WHERE delivery_status = 'dead';
