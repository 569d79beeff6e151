-- The link printed on a signed PK (its QR code) now carries a verification token, and the public
-- report of a document (GET /api/verify/documents/:id) answers only with it: document ids are
-- predictable. The documents signed before have links with the id alone, printed inside their
-- signed bytes: they keep answering by id. Every row here now is one of them (the column is added
-- with true); rows stored from now on take false.
ALTER TABLE documents ADD COLUMN IF NOT EXISTS verify_by_id_alone boolean NOT NULL DEFAULT true;
ALTER TABLE documents ALTER COLUMN verify_by_id_alone SET DEFAULT false;
