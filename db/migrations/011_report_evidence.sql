-- Evidence (bukti dukung) of quarterly reports: files stored once by SHA-256, and per report the
-- files and links with a caption. Removing one marks it removed (the audit log keeps the story).
CREATE TABLE IF NOT EXISTS evidence_files (
  sha256      text PRIMARY KEY,
  media_type  text NOT NULL,              -- detected from the content, not the name
  size        integer NOT NULL,
  bytes       bytea NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS report_evidence (
  id            text PRIMARY KEY,           -- random, in URLs
  agreement_id  text NOT NULL REFERENCES agreements(id),
  quarter       integer NOT NULL CHECK (quarter BETWEEN 1 AND 4),
  kind          text NOT NULL CHECK (kind IN ('file', 'link')),
  sha256        text REFERENCES evidence_files(sha256),
  file_name     text,
  url           text,
  caption       text NOT NULL,
  added_by      text NOT NULL,
  added_at      timestamptz NOT NULL DEFAULT now(),
  removed_by    text,
  removed_at    timestamptz,
  CHECK ((kind = 'file') = (sha256 IS NOT NULL) AND (kind = 'link') = (url IS NOT NULL))
);
CREATE INDEX IF NOT EXISTS report_evidence_by_report ON report_evidence (agreement_id, quarter) WHERE removed_at IS NULL;
