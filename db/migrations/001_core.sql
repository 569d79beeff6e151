-- Organisations, their yearly cycles, the positions of each cycle and the agreements read model.
-- Temporal holds process state; these tables hold the records the API reads.

CREATE TABLE IF NOT EXISTS organisations (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  place       text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS cycles (
  id               text PRIMARY KEY,              -- cycle:{org}:{year}
  organisation_id  text NOT NULL REFERENCES organisations(id),
  year             integer NOT NULL,
  source_hash      text NOT NULL,                 -- SHA-256 of the canonical import: same body = same cycle
  calendar         jsonb NOT NULL,
  rules            jsonb NOT NULL,
  plan             jsonb NOT NULL DEFAULT '{"objectives":[]}',
  position_count   integer NOT NULL,
  started_count    integer NOT NULL DEFAULT 0,
  status           text NOT NULL DEFAULT 'starting',  -- starting | running | closed
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, year)
);

CREATE TABLE IF NOT EXISTS units (
  cycle_id  text NOT NULL REFERENCES cycles(id),
  id        text NOT NULL,
  name      text NOT NULL,
  PRIMARY KEY (cycle_id, id)
);

CREATE TABLE IF NOT EXISTS positions (
  cycle_id          text NOT NULL REFERENCES cycles(id),
  id                text NOT NULL,
  title             text NOT NULL,
  unit_id           text,
  parent_id         text,
  level             text NOT NULL,
  depth             integer NOT NULL,
  nip               text,
  official_name     text NOT NULL,
  email             text NOT NULL,
  oversees          text[] NOT NULL DEFAULT '{}',
  escalation_chain  text[] NOT NULL DEFAULT '{}',   -- position ids: superior, Asisten, Sekda, Bupati
  draft             jsonb,                          -- the imported draft, if any
  PRIMARY KEY (cycle_id, id)
);
CREATE INDEX IF NOT EXISTS positions_by_nip ON positions (nip);
CREATE INDEX IF NOT EXISTS positions_by_parent ON positions (cycle_id, parent_id);

CREATE TABLE IF NOT EXISTS agreements (
  id                 text PRIMARY KEY,              -- the workflow id: pk:{org}:{year}:{position}
  cycle_id           text NOT NULL REFERENCES cycles(id),
  position_id        text NOT NULL,
  unit_id            text,
  phase              text NOT NULL,
  version            integer NOT NULL DEFAULT 1,
  overdue            boolean NOT NULL DEFAULT false,
  escalation_level   integer NOT NULL DEFAULT 0,
  due_at             timestamptz,
  awaiting_position  text,                          -- whose action the workflow waits for
  score              numeric,
  predicate          text,
  updated_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (cycle_id, position_id)
);
CREATE INDEX IF NOT EXISTS agreements_by_cycle_phase ON agreements (cycle_id, phase);
CREATE INDEX IF NOT EXISTS agreements_by_awaiting ON agreements (awaiting_position, cycle_id);
