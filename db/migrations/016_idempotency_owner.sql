-- Which API process claimed an Idempotency-Key. A request that ended without storing its answer
-- (its 5xx could not delete the claim because PostgreSQL was down) is known dead to that process,
-- so a retry reaching it takes the key over at once instead of waiting ABANDONED_AFTER_MS.
ALTER TABLE api_idempotency ADD COLUMN IF NOT EXISTS owner text;
