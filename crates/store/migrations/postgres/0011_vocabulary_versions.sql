-- Controlled-vocabulary terms are edited by the planning office: like every
-- editable record they carry a version, so that a stale form cannot undo
-- another person's change.
ALTER TABLE vocabulary_terms ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
