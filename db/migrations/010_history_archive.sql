-- Every closed workflow run's full event history, kept in PostgreSQL for as long as the records
-- (Temporal keeps a closed run only for the namespace's retention). One row per run, written once
-- by the worker's archiver (archive/archiver.ts); the history is Temporal's own protobuf bytes
-- (temporal.api.history.v1.History), gzip-compressed, so any Temporal tool can read it back.
CREATE TABLE IF NOT EXISTS history_archive (
  run_id                text PRIMARY KEY,
  namespace             text NOT NULL,
  workflow_id           text NOT NULL,
  workflow_type         text NOT NULL,
  continued_from_run_id text,                          -- the run this one continued as new from
  status                text NOT NULL,                 -- how the run closed: completed, continued_as_new, terminated, failed, timed_out, canceled
  first_event_at        timestamptz NOT NULL,
  last_event_at         timestamptz NOT NULL,          -- the close event
  event_count           integer NOT NULL,
  build_id              text,                          -- the worker build that completed the run's last workflow task
  history_bytes         integer NOT NULL,              -- uncompressed size
  history_gzip          bytea NOT NULL,
  archived_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS history_archive_by_workflow ON history_archive (workflow_id, first_event_at);
CREATE INDEX IF NOT EXISTS history_archive_by_close ON history_archive (last_event_at);

-- How far the archiver has read Temporal's visibility, per namespace and task queue: every run that
-- closed before `archived_through` is archived. Only an optimisation (the next pass reads from a
-- little before it); losing it means one pass over everything Temporal still keeps.
CREATE TABLE IF NOT EXISTS history_archive_cursor (
  scope             text PRIMARY KEY,                  -- "<namespace>/<task queue>"
  archived_through  timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL DEFAULT now()
);
