-- One write per transition (workflows/agreement.ts, the `agreementV2` type): each write carries the
-- workflow's sequence number, and a row keeps the highest one it has taken, so a late or retried
-- write (an activity attempt that outlived its timeout) never overwrites a newer one. Rows written
-- by the earlier workflow type keep 0.
ALTER TABLE agreements ADD COLUMN IF NOT EXISTS write_seq bigint NOT NULL DEFAULT 0;
ALTER TABLE agreement_versions ADD COLUMN IF NOT EXISTS write_seq bigint NOT NULL DEFAULT 0;
ALTER TABLE realizations ADD COLUMN IF NOT EXISTS write_seq bigint NOT NULL DEFAULT 0;
