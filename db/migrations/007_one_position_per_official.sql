-- A person holds one position per cycle: a constraint, not a check-then-act in the API, so two
-- concurrent changes of official with the same NIP cannot both succeed (one would become both
-- parties of a PK). Officials without a NIP (a Kepala Daerah) have NULL here and are not affected.
CREATE UNIQUE INDEX IF NOT EXISTS positions_one_per_official ON positions (cycle_id, nip);
