-- Each official's year-end rating by their pejabat penilai (hasil kerja, the seven BerAKHLAK values,
-- the predikat from the matrix), and the closing of a unit's ratings against its distribution
-- bounds (with the evaluation team's written exception when the bounds are broken). A rating and
-- its audit row commit together; the audit log keeps every earlier version.
CREATE TABLE IF NOT EXISTS employee_ratings (
  agreement_id          text PRIMARY KEY REFERENCES agreements(id),
  cycle_id              text NOT NULL REFERENCES cycles(id),
  unit_id               text,
  position_id           text NOT NULL,
  rater_id              text NOT NULL,               -- the pejabat penilai's official id
  capaian               numeric,                     -- the PK's score when rated
  hasil_kerja_proposed  text CHECK (hasil_kerja_proposed IN ('di_atas', 'sesuai', 'di_bawah')),
  hasil_kerja           text NOT NULL CHECK (hasil_kerja IN ('di_atas', 'sesuai', 'di_bawah')),
  perilaku_values       jsonb NOT NULL,              -- { coreValue: { expectation, note } } × 7
  perilaku              text NOT NULL CHECK (perilaku IN ('di_atas', 'sesuai', 'di_bawah')),
  predikat              text NOT NULL,
  rated_at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS employee_ratings_by_unit ON employee_ratings (cycle_id, unit_id);

CREATE TABLE IF NOT EXISTS unit_rating_closures (
  cycle_id          text NOT NULL REFERENCES cycles(id),
  unit_id           text NOT NULL,
  unit_predicate    text,
  distribution      jsonb NOT NULL,                  -- predikat → count when closed
  violations        jsonb NOT NULL DEFAULT '[]',     -- the bounds broken, accepted by the exception
  exception_reason  text,
  closed_by         text NOT NULL,
  closed_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (cycle_id, unit_id),
  CHECK (violations = '[]'::jsonb OR exception_reason IS NOT NULL)
);
